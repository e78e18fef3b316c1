using System.Diagnostics;
using BedrockNovaProxy.Cli;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary>Where the repository is (the folder with BedrockNovaProxy.sln, found upwards from the current one) and
/// its conventional folders; and the few git commands the CLI needs.</summary>
public sealed class Repository(string root)
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    public string Root { get; } = Path.GetFullPath(root);
    public string Customers => Path.Combine(Root, "customers");
    public string Templates => Path.Combine(Root, "templates");
    public string Out => Path.Combine(Root, "out");

    public static Repository Find(string? start = null) => new(RepositoryRoot.Find(start) ?? start ?? Directory.GetCurrentDirectory());

    /// <summary>A path as the repository names it: relative to the root, with forward slashes.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, Path.GetFullPath(path)).Replace('\\', '/');

    /// <summary>Runs git in the repository; null when it fails (no git, unknown revision).</summary>
    public string? Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
