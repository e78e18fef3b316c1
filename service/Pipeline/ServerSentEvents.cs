using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.OpenAi;
using Microsoft.AspNetCore.Http.Features;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Writes an OpenAI-style Server-Sent Events response: `data: {json}\n\n` per chunk and `data: [DONE]` at the
/// end for chat completions; `event: {type}\ndata: {json}\n\n` and no [DONE] for the Responses API. Every flush goes
/// straight to the client (and through API Gateway's streaming integration on Lambda).</summary>
public sealed class ServerSentEvents
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly HttpResponse _response;
    private Utf8JsonWriter? _json;
    private System.Text.Encodings.Web.JavaScriptEncoder? _encoder;

    public ServerSentEvents(HttpResponse response)
    {
        _response = response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Adds one event to the pending output, with an `event:` line when it has a name; <see cref="FlushAsync"/>
    /// (or completing the response) sends it.</summary>
    public void Write<T>(T value, JsonTypeInfo<T> typeInfo, string? eventName = null)
    {
        var writer = _response.BodyWriter;
        if (eventName is not null)
        {
            writer.Write(EventPrefix);
            var name = writer.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(eventName.Length));
            writer.Advance(System.Text.Encoding.UTF8.GetBytes(eventName, name));
            writer.Write("\n"u8);
        }

        writer.Write(DataPrefix);
        // The writer takes the context's encoder, so events escape text exactly as JSON answers do; one writer serves
        // every event of the stream.
        if (_json is null || _encoder != typeInfo.Options.Encoder)
        {
            _encoder = typeInfo.Options.Encoder;
            _json = new Utf8JsonWriter(writer, new JsonWriterOptions { Encoder = _encoder });
        }
        else
        {
            _json.Reset(writer);
        }

        JsonSerializer.Serialize(_json, value, typeInfo);
        writer.Write(EventEnd);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The end of a whole chat completions stream.</summary>
    public void WriteDone() => _response.BodyWriter.Write(Done);

    /// <summary>An error after the stream began: OpenAI's SDKs read a `data:` event whose object has an "error"
    /// member as a failure. No [DONE] follows, so no client mistakes the cut answer for a whole one.</summary>
    public void WriteError(OpenAiError error) => Write(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse);
}
