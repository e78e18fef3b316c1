using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Planning;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops plan --base &lt;git-ref&gt; [--output plan.md]</c>: Markdown of what changes per customer
/// environment between the renders committed at the base (out/) and the renders of the working tree, ready to post
/// on a pull request. Exit codes: 0 a plan (changes or not), 1 the working tree does not render, 2 an unknown ref.</summary>
public static class PlanCommand
{
    public static int Run(Repository repo, string baseRef, string? outputFile, TextWriter output, TextWriter error, DateOnly today)
    {
        if (repo.Git("rev-parse", "--verify", "--quiet", baseRef + "^{commit}") is null)
        {
            error.WriteLine($"gitops: '{baseRef}' is not a commit of this repository (fetch it first: git fetch origin {baseRef})");
            return Repository.Usage;
        }

        if (!RenderCommand.TryRenderAll(repo, [], today, error, out var renders))
        {
            return Repository.Failed;
        }

        var before = Committed(repo, baseRef);
        var after = renders!.ToDictionary(r => r.Folder, r => (IReadOnlyDictionary<string, string>)r.Files.ToDictionary(f => f.Path, f => f.Text), StringComparer.Ordinal);
        string markdown;
        try
        {
            markdown = Planner.Markdown(Planner.Compare(before, after), baseRef, "this change");
        }
        catch (CfnException e)
        {
            error.WriteLine($"gitops: a render at {baseRef} does not parse: {e.Message}");
            return Repository.Failed;
        }

        if (outputFile is not null)
        {
            File.WriteAllText(outputFile, markdown);
        }

        output.Write(markdown);
        return Repository.Ok;
    }

    /// <summary>The renders committed under out/ at a revision: folder (customer/environment) -> file -> text.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>> Committed(Repository repo, string revision)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var listing = repo.Git("ls-tree", "-r", "--name-only", revision, "--", "out/") ?? "";
        foreach (var path in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = path.Split('/', 4);
            if (parts.Length < 4 || repo.Git("show", $"{revision}:{path}") is not { } text)
            {
                continue;
            }

            var folder = $"{parts[1]}/{parts[2]}";
            if (!result.TryGetValue(folder, out var files))
            {
                result[folder] = files = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            ((Dictionary<string, string>)files)[parts[3]] = text;
        }

        return result;
    }
}
