namespace BedrockNovaProxy.Translation;

/// <summary>Tool parameter schemas as Nova takes them. AWS's Nova tool-use guide: the top level of inputSchema.json
/// must be `type: object` and keep only type, properties and required; $schema, title, description and
/// additionalProperties are not supported there (nested levels are left as they are). $defs/definitions stay so
/// that $ref pointers still resolve.</summary>
public static class ToolSchemas
{
    private static readonly HashSet<string> TopLevelKeep = new(StringComparer.Ordinal) { "type", "properties", "required", "$defs", "definitions" };

    public static readonly JsonElement EmptyObjectSchema = JsonHelpers.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static JsonElement ForNova(JsonElement schema) => JsonHelpers.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "object");
        var hasProperties = false;
        foreach (var member in schema.EnumerateObject())
        {
            if (member.Name == "type" || !TopLevelKeep.Contains(member.Name))
            {
                continue;
            }

            hasProperties |= member.Name == "properties";
            member.WriteTo(w);
        }

        if (!hasProperties)
        {
            w.WriteStartObject("properties");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });
}
