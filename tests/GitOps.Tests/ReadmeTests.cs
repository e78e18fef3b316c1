using System.Text.RegularExpressions;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>README's "Your first customer", run as written in a scratch copy of the repository: each `dotnet run
/// --project gitops|local` line runs that program (built beside this test), the git line runs in bash in a fresh git
/// repository. The AppHost line is the one left to tests/AppHost.Tests, which drives the same dashboard commands.</summary>
public partial class ReadmeTests
{
    [GeneratedRegex(@"## Your first customer.*?```bash\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    public static IReadOnlyList<string> Commands()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        var block = Block().Match(readme);
        Assert.True(block.Success, "README.md has no 'Your first customer' bash block");
        return [.. block.Groups["block"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    [Fact]
    public void The_block_is_ten_lines_from_gitops_new_to_a_gated_run()
    {
        var lines = File.ReadAllText(Repo.Path("README.md"));
        var block = Block().Match(lines).Groups["block"].Value.TrimEnd('\n').Split('\n');
        var commands = Commands();

        Assert.Equal(10, block.Length);
        Assert.StartsWith("dotnet run --project gitops -- new ", commands[0], StringComparison.Ordinal);
        Assert.Contains(commands, c => c.StartsWith("dotnet run --project local -- gate ", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("dotnet run --project apphost -- --customer ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runs_as_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var scratch = Repo.Scratch();
        var git = new Dictionary<string, string> { ["GIT_AUTHOR_NAME"] = "t", ["GIT_AUTHOR_EMAIL"] = "t@example.com", ["GIT_COMMITTER_NAME"] = "t", ["GIT_COMMITTER_EMAIL"] = "t@example.com", ["CI"] = "true" };
        Assert.Equal(0, (await ExternalTools.RunAsync("git", ["init", "-q", "-b", "main"], ct, scratch.Repository.Root)).ExitCode);

        foreach (var command in Commands())
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ToolResult run;
            if (command.StartsWith("dotnet run --project apphost ", StringComparison.Ordinal))
            {
                continue;
            }
            else if (command.StartsWith("dotnet run --project ", StringComparison.Ordinal))
            {
                Assert.Equal("--", words[4]);
                var program = Path.Combine(AppContext.BaseDirectory, words[3] + ".dll");
                run = await ExternalTools.RunAsync("dotnet", [program, .. words[5..]], ct, scratch.Repository.Root, git);
            }
            else
            {
                Assert.StartsWith("git ", command, StringComparison.Ordinal);
                run = await ExternalTools.RunAsync("bash", ["-c", command], ct, scratch.Repository.Root, git);
            }

            Assert.True(run.ExitCode == 0, $"{command}\n{run.Output}");
        }

        Assert.NotEmpty(Directory.EnumerateFiles(scratch.Path("out", "contoso", "staging")));
        Assert.True(File.Exists(scratch.Path("loadtests", "reports", "latest", "report.html")));
        var log = await ExternalTools.RunAsync("git", ["log", "--stat", "--oneline"], ct, scratch.Repository.Root);
        Assert.Contains("customers/contoso/staging.yaml", log.Output, StringComparison.Ordinal);
    }
}
