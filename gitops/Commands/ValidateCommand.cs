using System.Text.Json.Nodes;
using BedrockNovaProxy.GitOps.Json;
using BedrockNovaProxy.GitOps.Validation;
using Spectre.Console;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops validate [paths] [--format text|json|github]</c>: schema and semantic rules for customer files.
/// Exit codes: 0 valid (warnings allowed), 1 errors (or warnings with --warnings-as-errors), 2 unusable arguments.</summary>
public static class ValidateCommand
{
    public static int Run(Repository repo, IReadOnlyList<string> paths, string format, bool warningsAsErrors, TextWriter output, TextWriter error, DateOnly today)
    {
        if (!TryValidate(repo, paths, today, error, out var results))
        {
            return Repository.Usage;
        }

        var diagnostics = results.SelectMany(r => r.Diagnostics).ToList();
        switch (format)
        {
            case "json":
                output.WriteLine(Json(results).ToJsonString(ReadableJson.Indented));
                break;
            case "github":
                // Workflow commands: GitHub shows each finding on its line of the pull request.
                foreach (var d in diagnostics)
                {
                    var level = d.Severity == Severity.Error ? "error" : "warning";
                    output.WriteLine($"::{level} file={d.File},line={d.Position.Line},col={d.Position.Column},title={d.Code}::{Escape(d.Message + (d.Hint is null ? "" : $" (fix: {d.Hint})"))}");
                }

                break;
            default:
                var console = Report.Console(output);
                foreach (var d in diagnostics)
                {
                    var colour = d.Severity == Severity.Error ? "red" : "yellow";
                    console.MarkupLine($"{Markup.Escape($"{d.File}:{d.Position}:")} [{colour}]{(d.Severity == Severity.Error ? "error" : "warning")}[/] [grey]{Markup.Escape($"[{d.Code}]")}[/] {Markup.Escape(d.Message)}");
                    if (d.Hint is not null)
                    {
                        console.MarkupLine($"    [grey]fix:[/] {Markup.Escape(d.Hint)}");
                    }
                }

                var errors = diagnostics.Count(d => d.Severity == Severity.Error);
                var warnings = diagnostics.Count - errors;
                console.MarkupLine(errors == 0
                    ? $"[green]{results.Count} file(s) valid[/]{(warnings > 0 ? $", {warnings} warning(s)" : "")}"
                    : $"[red]{errors} error(s)[/], {warnings} warning(s) in {results.Count(r => r.Diagnostics.Count > 0)} of {results.Count} file(s)");
                break;
        }

        var failed = diagnostics.Any(d => d.Severity == Severity.Error || warningsAsErrors);
        return failed ? Repository.Failed : Repository.Ok;
    }

    /// <summary>Validates the files under <paramref name="paths"/> (default customers/); false on unusable paths.</summary>
    public static bool TryValidate(Repository repo, IReadOnlyList<string> paths, DateOnly today, TextWriter error, out IReadOnlyList<ValidatedFile> results)
    {
        results = [];
        var roots = paths.Count > 0 ? paths : [repo.Customers];
        var missing = roots.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            error.WriteLine($"gitops: no such file or folder: {string.Join(", ", missing)}");
            return false;
        }

        var files = Validator.Discover(roots);
        if (files.Count == 0)
        {
            error.WriteLine($"gitops: no customer files (*.yaml) under {string.Join(", ", roots)}");
            return false;
        }

        results = Validator.ForRepository(repo.Root, today).ValidateAll(files);
        return true;
    }

    private static JsonNode Json(IReadOnlyList<ValidatedFile> results) => new JsonObject
    {
        ["valid"] = results.All(r => !r.HasErrors),
        ["files"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
        {
            ["file"] = r.Path,
            ["valid"] = !r.HasErrors,
            ["diagnostics"] = new JsonArray([.. r.Diagnostics.Select(d => (JsonNode)new JsonObject
            {
                ["line"] = d.Position.Line,
                ["column"] = d.Position.Column,
                ["severity"] = d.Severity == Severity.Error ? "error" : "warning",
                ["code"] = d.Code,
                ["message"] = d.Message,
                ["hint"] = d.Hint,
            })]),
        })]),
    };

    private static string Escape(string text) => text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
}
