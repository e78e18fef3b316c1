using System.Text.Json;
using BedrockNovaProxy.Customers;
using YamlDotNet.Core;

namespace BedrockNovaProxy.GitOps.Validation;

/// <summary>A customer file after validation: its findings and, when the schema passed, its typed configuration.</summary>
public sealed record ValidatedFile(string Path, CustomerConfig? Config, SourceMap Map, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>Validates customer files: YAML syntax, the schema comment, customers/schema.json, the semantic rules, and
/// the rules across files. The file system is read here; everything it calls is pure.</summary>
/// <param name="root">Files are named relative to it (customers/acme/prod.yaml), as findings report them.</param>
public sealed class Validator(SchemaCheck schema, string schemaPath, DateOnly today, string root)
{
    public static Validator ForRepository(string repositoryRoot, DateOnly today)
    {
        var schemaPath = System.IO.Path.Combine(repositoryRoot, "customers", "schema.json");
        return new Validator(SchemaCheck.FromFile(schemaPath), schemaPath, today, repositoryRoot);
    }

    /// <summary>Every customer file under the given files or folders, as full paths.</summary>
    public static IReadOnlyList<string> Discover(IEnumerable<string> paths) =>
    [
        .. paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*.yaml", SearchOption.AllDirectories).Concat(Directory.EnumerateFiles(p, "*.yml", SearchOption.AllDirectories))
                : [p])
            .Select(System.IO.Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Validates files named relative to the root (or absolute), and the rules across them.</summary>
    public IReadOnlyList<ValidatedFile> ValidateAll(IEnumerable<string> files)
    {
        var results = files.Select(Name).Select(f => Validate(f, File.ReadAllText(System.IO.Path.Combine(root, f)))).ToList();
        return AcrossFiles(results);
    }

    private string Name(string file) => System.IO.Path.GetRelativePath(root, System.IO.Path.GetFullPath(file, root)).Replace('\\', '/');

    public ValidatedFile Validate(string file, string text)
    {
        var diagnostics = new List<Diagnostic>();
        var expectedComment = $"# yaml-language-server: $schema={SchemaReference(file)}";
        var firstLine = text.Split('\n', 2)[0].TrimEnd('\r');
        if (firstLine != expectedComment)
        {
            diagnostics.Add(new(file, new Position(1, 1), Severity.Error, "schema-comment",
                "the first line must name the schema, so editors complete and check the file", $"make line 1: {expectedComment}"));
        }

        System.Text.Json.Nodes.JsonNode? root;
        SourceMap map;
        try
        {
            (root, map) = YamlJson.Read(text);
        }
        catch (YamlException e)
        {
            diagnostics.Add(new(file, Position.From(e.Start), Severity.Error, "yaml", YamlMessage(e)));
            return new ValidatedFile(file, null, new SourceMap(), diagnostics);
        }

        diagnostics.AddRange(schema.Check(file, root, map).OrderBy(d => d.Position.Line).ThenBy(d => d.Position.Column));
        if (diagnostics.Any(d => d.Code == "schema"))
        {
            return new ValidatedFile(file, null, map, diagnostics);
        }

        CustomerConfig config;
        try
        {
            config = root.Deserialize(CustomerJsonContext.Default.CustomerConfig)!;
        }
        catch (JsonException e)
        {
            // The schema should have caught it; say where anyway.
            diagnostics.Add(new(file, map.Value(PointerOf(e.Path)), Severity.Error, "schema", e.Message));
            return new ValidatedFile(file, null, map, diagnostics);
        }

        diagnostics.AddRange(Rules.Check(file, config, map, today).OrderBy(d => d.Position.Line).ThenBy(d => d.Position.Column));
        return new ValidatedFile(file, config, map, diagnostics);
    }

    /// <summary>The schema path as the file's first line names it: relative to the file, with forward slashes.</summary>
    public string SchemaReference(string file) =>
        System.IO.Path.GetRelativePath(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file, root))!, schemaPath).Replace('\\', '/');

    private static IReadOnlyList<ValidatedFile> AcrossFiles(List<ValidatedFile> results)
    {
        var claimed = new Dictionary<(string, string), string>();
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Config is not { } config)
            {
                continue;
            }

            var key = (config.Customer.Name, config.Customer.Environment);
            if (claimed.TryGetValue(key, out var first))
            {
                results[i] = results[i] with
                {
                    Diagnostics = [.. results[i].Diagnostics, new Diagnostic(results[i].Path, results[i].Map.Value("/customer/environment"), Severity.Error,
                        "duplicate-environment", $"{first} already defines {key.Name}/{key.Environment}", "each customer environment lives in exactly one file")],
                };
            }
            else
            {
                claimed[key] = results[i].Path;
            }
        }

        return results;
    }

    // YamlDotNet's messages start with the position "(Line: 3, Col: 5, Idx: 20) - (...): "; ours carry it already.
    private static string YamlMessage(YamlException e)
    {
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message).Trim();
    }

    private static string PointerOf(string? jsonPath) =>
        jsonPath is null ? "" : "/" + string.Join('/', jsonPath.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries));
}
