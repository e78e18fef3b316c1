using System.Text.Json.Serialization;

namespace BedrockNovaProxy.OpenAi;

public sealed class EmbeddingRequest
{
    public string? Model { get; set; }
    // A string, a list of strings, or token arrays; Translation tells them apart and names what is wrong.
    public JsonElement? Input { get; set; }
    public int? Dimensions { get; set; }
    public string? EncodingFormat { get; set; }
}

public sealed class EmbeddingList
{
    public string Object => "list";
    public required List<EmbeddingItem> Data { get; init; }
    public required string Model { get; init; }
    public required EmbeddingUsage Usage { get; init; }
}

public sealed class EmbeddingItem
{
    public string Object => "embedding";
    public required int Index { get; init; }
    // float[] or a base64 string of little-endian float32, as encoding_format asks.
    [JsonConverter(typeof(EmbeddingVectorConverter))]
    public required EmbeddingVector Embedding { get; init; }
}

public readonly record struct EmbeddingVector(float[] Values, bool AsBase64);

public sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding vectors are write-only.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (value.AsBase64)
        {
            writer.WriteBase64StringValue(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Values.AsSpan()));
            return;
        }

        writer.WriteStartArray();
        foreach (var v in value.Values)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }
}

public sealed class EmbeddingUsage
{
    public int PromptTokens { get; init; }
    public int TotalTokens { get; init; }
}
