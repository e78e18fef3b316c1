using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Json;
using Json.Schema;

namespace BedrockNovaProxy.GitOps.Validation;

/// <summary>customers/schema.json applied to a customer file, each failure turned into a message a person can act on:
/// the keyword's own value (the allowed values, the pattern, the limit) and, for a misspelt key, the nearest valid one.</summary>
public sealed class SchemaCheck
{
    private readonly JsonSchema _schema;
    private readonly JsonNode _schemaJson;

    public SchemaCheck(string schemaText)
    {
        // Its own registry: the schema has an $id, and the global registry refuses the same id twice.
        _schema = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        _schemaJson = JsonNode.Parse(schemaText)!;
    }

    public static SchemaCheck FromFile(string path) => new(File.ReadAllText(path));

    public IEnumerable<Diagnostic> Check(string file, JsonNode? document, SourceMap map)
    {
        using var json = JsonDocument.Parse(document?.ToJsonString() ?? "null");
        var results = _schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            yield break;
        }

        var seen = new HashSet<(string, string)>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            // A failed "if" is not an error, only the condition of a "then"; nor is a failure inside a "not", which is
            // what makes the "not" pass. The schema has no $ref, so the evaluation path is the path of the rule inside
            // schema.json, except under "items" (JsonSchema.Net reports .../items/items/...): there the rule is found
            // from the instance's place instead.
            var schemaPointer = detail.EvaluationPath.ToString();
            if (new[] { "/if", "/not" }.Any(k => schemaPointer.Contains(k + "/", StringComparison.Ordinal) || schemaPointer.EndsWith(k, StringComparison.Ordinal)))
            {
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            foreach (var (keyword, libraryMessage) in errors)
            {
                if (!seen.Add((pointer, keyword + schemaPointer)))
                {
                    continue;
                }

                var keywordPointer = keyword.Length == 0 ? schemaPointer : $"{schemaPointer}/{keyword}";
                var (message, hint, atKey) = Explain(keyword, pointer, Lookup(document, pointer),
                    Lookup(_schemaJson, keywordPointer) ?? (keyword.Length > 0 ? SchemaAt(pointer)?[keyword] : null),
                    Lookup(_schemaJson, ParentOf(keywordPointer)) ?? SchemaAt(pointer), libraryMessage);
                yield return new Diagnostic(file, atKey ? map.Key(pointer) : map.Value(pointer), Severity.Error, "schema", message, hint);
            }
        }
    }

    private (string Message, string? Hint, bool AtKey) Explain(string keyword, string pointer, JsonNode? value, JsonNode? rule, JsonNode? subschema, string fallback)
    {
        var at = Display(pointer);
        var description = subschema?["description"]?.GetValue<string>();
        switch (keyword)
        {
            case "required":
                var missing = (rule as JsonArray)?.Select(n => n!.GetValue<string>()).Where(name => value is not JsonObject o || !o.ContainsKey(name)).ToList() ?? [];
                return ($"{at} is missing {Join(missing.Select(m => $"'{m}'"))}", DescribeProperties(SchemaAt(pointer), missing), true);
            case "enum":
                var allowed = (JsonArray)rule!;
                return ($"{at} is {Show(value)}, not one of {Join(allowed.Select(Show))}",
                    Nearest(JsonNodes.Text(value), allowed.Select(JsonNodes.Text).OfType<string>()) is { } guess ? $"did you mean {Show(guess)}? {description}".TrimEnd() : description, false);
            case "const":
                return ($"{at} must be {Show(rule)}", description, false);
            case "type":
                var expected = rule is JsonArray types ? Join(types.Select(t => t!.GetValue<string>())) : rule?.GetValue<string>();
                var hint = expected == "string" && value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                    ? "put the value in quotes: YAML reads unquoted digits as a number" : description;
                return ($"{at} must be a {expected}, not {Kind(value)}", hint, false);
            case "pattern":
                return ($"{at} is {Show(value)}, which is not of the expected form", description ?? $"it must match {rule}", false);
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                var relation = keyword switch { "minimum" => "at least", "maximum" => "at most", "exclusiveMinimum" => "more than", _ => "less than" };
                return ($"{at} is {Show(value)}; it must be {relation} {rule}", description, false);
            case "minItems":
                return ($"{at} needs at least {rule} item(s)", description, false);
            case "minProperties":
                return ($"{at} needs at least {rule} entry", description, false);
            case "uniqueItems":
                return ($"{at} lists the same value twice", "remove the duplicate", false);
            case "maxLength":
                return ($"{at} is longer than {rule} characters", description, false);
            case "not":
                return ($"{at} is {Show(value)}, which is not allowed here", description, false);
            case "propertyNames":
                return ($"{at} has a key that is not of the expected form", description, false);
            case "" when pointer.Length > 0:
                // additionalProperties: false fails at the unknown property itself.
                var name = Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);
                var known = KnownProperties(ParentOf(pointer));
                var nearest = known.OrderBy(k => Distance(k, name)).FirstOrDefault();
                return ($"{Display(ParentOf(pointer))} has an unknown key '{name}'",
                    nearest is not null && Distance(nearest, name) <= 3 ? $"did you mean '{nearest}'?" : known.Count > 0 ? $"known keys: {string.Join(", ", known)}" : null, true);
            default:
                return ($"{at}: {fallback}", description, false);
        }
    }

    /// <summary>The keys the schema allows for the object at <paramref name="objectPointer"/> (instance pointer).</summary>
    private List<string> KnownProperties(string objectPointer) =>
        (SchemaAt(objectPointer)?["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];

    /// <summary>The subschema that describes the instance at <paramref name="pointer"/>, following properties and items.</summary>
    private JsonNode? SchemaAt(string pointer)
    {
        var schema = _schemaJson;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Unescape(segment);
            schema = schema?["properties"]?[name] ?? (int.TryParse(name, out _) ? schema?["items"] : schema?["additionalProperties"] as JsonObject);
        }

        return schema;
    }

    private static string? DescribeProperties(JsonNode? subschema, List<string> names)
    {
        var descriptions = names.Select(n => subschema?["properties"]?[n]?["description"]?.GetValue<string>()).OfType<string>().ToList();
        return descriptions.Count > 0 ? string.Join(" ", descriptions) : null;
    }

    private static JsonNode? Lookup(JsonNode? root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Unescape(segment);
            node = node switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static string ParentOf(string pointer) => pointer.Length == 0 ? "" : pointer[..pointer.LastIndexOf('/')];

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>/deployment/vpc/subnet_ids/0 -> deployment.vpc.subnet_ids[0]; the root is "the file".</summary>
    public static string Display(string pointer)
    {
        if (pointer.Length == 0)
        {
            return "the file";
        }

        var text = new System.Text.StringBuilder();
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape))
        {
            if (int.TryParse(segment, CultureInfo.InvariantCulture, out _))
            {
                text.Append('[').Append(segment).Append(']');
            }
            else
            {
                text.Append(text.Length > 0 ? "." : "").Append(segment.Contains('.') || segment.Contains(':') ? $"\"{segment}\"" : segment);
            }
        }

        return text.ToString();
    }

    private static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString(ReadableJson.Compact);

    /// <summary>The allowed value a person most likely meant: the one sharing the longest start of at least three
    /// letters ("production" -> "prod", "stage" -> "staging"), else one at most two edits away; null when none is close.</summary>
    public static string? Nearest(string? value, IEnumerable<string> allowed)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var lower = value.ToLowerInvariant();
        static int Shared(string a, string b) => a.Zip(b).TakeWhile(p => p.First == p.Second).Count();
        var options = allowed.ToList();
        return options.Where(o => Shared(o, lower) >= 3).OrderByDescending(o => Shared(o, lower)).FirstOrDefault()
               ?? options.Where(o => Distance(o, lower) <= 2).OrderBy(o => Distance(o, lower)).FirstOrDefault();
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => $"the string {v.ToJsonString()}",
        },
        _ => "something else",
    };

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
