namespace BedrockNovaProxy.Cli;

/// <summary>Where a command's Markdown report goes: to the file asked for, else appended to GitHub's job summary
/// ($GITHUB_STEP_SUMMARY) when the job has one, else nowhere.</summary>
public static class StepSummary
{
    public const string Variable = "GITHUB_STEP_SUMMARY";

    public static void Write(string markdown, string? file, Func<string, string?> environment)
    {
        if (file is not null)
        {
            File.WriteAllText(file, markdown);
        }
        else if (environment(Variable) is { Length: > 0 } summary)
        {
            File.AppendAllText(summary, markdown + "\n");
        }
    }
}
