using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.OpenAi;
using Microsoft.AspNetCore.Http;
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
    /// sends it.</summary>
    public void Write<T>(T value, JsonTypeInfo<T> typeInfo, string? eventName = null)
    {
        var writer = _response.BodyWriter;
        if (eventName is not null)
        {
            writer.Write(EventPrefix);
            writer.Write(System.Text.Encoding.UTF8.GetBytes(eventName));
            writer.Write("\n"u8);
        }

        writer.Write(DataPrefix);
        // The writer takes the context's encoder, so events escape text exactly as JSON answers do.
        using (var json = new Utf8JsonWriter(writer, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder }))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        writer.Write(EventEnd);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(Done);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An error after the stream began: OpenAI's SDKs read a `data:` event whose object has an "error"
    /// member as a failure. No [DONE] follows, so no client mistakes the cut answer for a whole one.</summary>
    public async ValueTask WriteErrorAsync(OpenAiError error, CancellationToken cancellationToken)
    {
        Write(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
