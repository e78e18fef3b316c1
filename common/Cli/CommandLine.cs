using System.CommandLine;

namespace BedrockNovaProxy.Cli;

/// <summary>How every command-line tool here starts: parse, and on a mistake name each problem after the tool's name
/// and exit with its usage code rather than System.CommandLine's own help text; otherwise run the chosen command.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, string tool, int usageExitCode)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count == 0)
        {
            return await parsed.InvokeAsync().ConfigureAwait(false);
        }

        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine($"{tool}: {error.Message}");
        }

        return usageExitCode;
    }
}
