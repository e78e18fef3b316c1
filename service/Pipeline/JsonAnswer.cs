using System.Text.Json.Serialization.Metadata;
using CommunityToolkit.HighPerformance.Buffers;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Writes a whole JSON answer: serialized into a pooled buffer, then sent with its Content-Length in one write,
/// so that headers and body leave in one send and no chunked framing follows (WriteAsJsonAsync streams the body
/// chunked, and its last chunk costs a second send).</summary>
public static class JsonAnswer
{
    public const string ContentType = "application/json; charset=utf-8";

    public static Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        WriteAsync(response, json => JsonSerializer.Serialize(json, value, typeInfo), typeInfo.Options, cancellationToken);

    /// <summary>The same for a value whose type is known only by its metadata.</summary>
    public static Task WriteAsync(HttpResponse response, object value, JsonTypeInfo typeInfo, CancellationToken cancellationToken) =>
        WriteAsync(response, json => JsonSerializer.Serialize(json, value, typeInfo), typeInfo.Options, cancellationToken);

    private static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> serialize, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new ArrayPoolBufferWriter<byte>(1024);
        // The writer takes the options' encoder and layout, so the text is exactly what the serializer alone would write.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented }))
        {
            serialize(json);
        }

        response.ContentType = ContentType;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}
