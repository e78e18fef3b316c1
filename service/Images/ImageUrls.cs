using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Images;

/// <summary>Finds the http(s) image URLs of a request's user messages, and puts fetched data URLs in their place, so
/// that translation only ever sees inline images. Pure.</summary>
public static class ImageUrls
{
    /// <summary>Each remote URL once, with the JSON path of its first use (for errors).</summary>
    public static IEnumerable<(string Url, string Param)> Remote(List<ChatMessage?>? messages) => (messages ?? [])
        .Select((m, i) => (Message: m, Index: i))
        .Where(m => m.Message?.Role == "user" && m.Message.Content is { ValueKind: JsonValueKind.Array })
        .SelectMany(m => m.Message!.Content!.Value.EnumerateArray().Select((part, j) => (Url: UrlOf(part), Param: $"messages[{m.Index}].content[{j}].image_url")))
        .Where(u => u.Url is not null && IsRemote(u.Url))
        .Select(u => (u.Url!, u.Param))
        .DistinctBy(u => u.Item1, StringComparer.Ordinal);

    public static bool IsRemote(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The content with each fetched URL replaced by its data URL (the part's shape is kept).</summary>
    public static JsonElement Inline(JsonElement content, IReadOnlyDictionary<string, string> dataUrls)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Copy(content, writer, dataUrls, inImageUrl: false);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static string? UrlOf(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("image_url", out var image) ? image.ValueKind switch
        {
            JsonValueKind.String => image.GetString(),
            JsonValueKind.Object when image.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String => url.GetString(),
            _ => null,
        } : null;

    private static void Copy(JsonElement element, Utf8JsonWriter writer, IReadOnlyDictionary<string, string> dataUrls, bool inImageUrl)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Copy(property.Value, writer, dataUrls, inImageUrl || property.Name == "image_url");
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Copy(item, writer, dataUrls, inImageUrl);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String when inImageUrl && dataUrls.TryGetValue(element.GetString()!, out var dataUrl):
                writer.WriteStringValue(dataUrl);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
