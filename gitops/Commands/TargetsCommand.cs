using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.GitOps.Planning;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops targets [--base &lt;git-ref&gt;] [--format json|github]</c>: the customer environments to deploy
/// for a change (a JSON list for a workflow matrix); every one without --base. Exit codes: 0, 1 invalid or unrendered
/// files, 2 an unknown ref.</summary>
public static class TargetsCommand
{
    public static int Run(Repository repo, string? baseRef, string format, TextWriter output, TextWriter error, DateOnly today)
    {
        if (!ValidateCommand.TryValidate(repo, [], today, error, out var files))
        {
            return Repository.Usage;
        }

        if (files.FirstOrDefault(f => f.HasErrors) is { } invalid)
        {
            error.WriteLine($"gitops: {invalid.Path} is invalid; run gitops validate");
            return Repository.Failed;
        }

        var all = files.Select(f => f.Config!)
            .Select(c => new Target(c.Customer.Name, c.Customer.Environment, c.TypeName, c.Customer.Region, c.Customer.AccountId, c.StackName))
            .OrderBy(t => t.Folder, StringComparer.Ordinal).ToList();

        IReadOnlyCollection<string>? changed = null;
        // A new branch or a first push has no base (GitHub sends forty zeros): deploy everything.
        if (baseRef is not null && baseRef.Trim('0').Length > 0)
        {
            if (repo.Git("rev-parse", "--verify", "--quiet", baseRef + "^{commit}") is null)
            {
                error.WriteLine($"gitops: '{baseRef}' is not a commit of this repository");
                return Repository.Usage;
            }

            changed = (repo.Git("diff", "--name-only", baseRef, "HEAD") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        var selected = Targets.Select(all, changed);
        var json = new JsonArray([.. selected.Select(t => (JsonNode)new JsonObject
        {
            ["customer"] = t.Customer,
            ["environment"] = t.Environment,
            ["type"] = t.Type,
            ["region"] = t.Region,
            ["account"] = t.Account,
            ["stack"] = t.Stack,
        })]).ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        output.WriteLine(format == "github" ? $"targets={json}" : json);
        if (format == "github")
        {
            error.WriteLine($"{selected.Count} of {all.Count} customer environment(s): {string.Join(", ", selected.Select(t => t.Folder))}");
        }

        return Repository.Ok;
    }
}
