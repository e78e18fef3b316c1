using System.Buffers;

namespace BedrockNovaProxy.Translation;

internal static class JsonHelpers
{
    /// <summary>OpenAI's words for a JSON kind: "a string", "an object", ...</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static bool IsNullOrAbsent(JsonElement? element) => element is null || element.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    /// <summary>Builds a JsonElement with a writer; the element owns its own copy of the bytes.</summary>
    public static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    public static readonly JsonElement EmptyObject = Build(w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    });
}
