using System.Diagnostics;
using System.Runtime.InteropServices;
using BedrockNovaProxy.Cli;
using Xunit;

namespace BedrockNovaProxy.Tests.Support;

/// <summary>The programs some tests drive (node with AWS's npm packages, python with boto3, the built emulators). A test
/// whose tool is missing skips on a developer's machine and FAILS on CI (CI=true), where .ci/run installs them.</summary>
public static partial class ExternalTools
{
    /// <summary>CI sets CI (to true): there every judge must run.</summary>
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>A path inside the repository the tests were built from.</summary>
    public static string RepositoryPath(params string[] parts) =>
        Path.Combine([RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("No repository above " + AppContext.BaseDirectory), .. parts]);

    /// <summary>Skips here, fails on CI, when <paramref name="present"/> is false.</summary>
    public static void Require(bool present, string missing)
    {
        if (present)
        {
            return;
        }

        if (OnCi)
        {
            Assert.Fail(missing + " (CI=true: .ci/run installs it, so its absence is a failure)");
        }

        Assert.Skip(missing);
    }

    /// <summary>node and dynalite (emulators/dynamodb) for the tests on a local DynamoDB: skips without, fails so on CI.</summary>
    public static async Task RequireDynaliteAsync(CancellationToken cancellationToken)
    {
        Require(await RunsAsync("node", ["--version"], cancellationToken), "node is not installed");
        var folder = RepositoryPath("emulators", "dynamodb");
        Require(File.Exists(Path.Combine(folder, "node_modules", "dynalite", "index.js")), $"dynalite is not installed: npm ci --prefix {folder}");
    }

    /// <summary>Whether <paramref name="file"/> runs and exits 0 with these arguments.</summary>
    public static async Task<bool> RunsAsync(string file, string[] args, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        try
        {
            return (await RunAsync(file, args, cancellationToken, workingDirectory)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs a program to its end: bounded by <paramref name="cancellationToken"/> and a two-minute safety
    /// limit (a hung tool fails the test instead of hanging the run).</summary>
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM, as a container runtime or Lambda does to stop a process.</summary>
    public static void Terminate(Process process)
    {
        if (kill(process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}
