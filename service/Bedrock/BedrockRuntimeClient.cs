using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock.EventStream;

namespace BedrockNovaProxy.Bedrock;

/// <summary>A typed client for Bedrock Runtime's Converse, ConverseStream and InvokeModel: SigV4-signed POSTs over
/// pooled keep-alive connections. Cancellation flows through: when the caller's token fires (a client hung up)
/// the upstream request is aborted. Errors surface as <see cref="BedrockException"/> (Bedrock said no) or
/// <see cref="BedrockTransportException"/> (Bedrock was unreachable or too slow).</summary>
/// <param name="http">The pooled handler, called directly: HttpClient's own layer (a linked token source per call for
/// its timeout, which is infinite here) does nothing the proxy needs.</param>
/// <param name="version">HTTP/2 where the endpoint offers it by ALPN (Bedrock does), else HTTP/1.1.</param>
public sealed class BedrockRuntimeClient(HttpMessageInvoker http, SigV4Signer signer, IAwsCredentialSource credentials, TimeProvider time, TimeSpan requestTimeout,
    Version version, HttpVersionPolicy versionPolicy)
{
    private const string Json = "application/json";
    private const int MaxErrorBodyBytes = 64 * 1024;

    public Uri Endpoint => signer.Endpoint;

    public async Task<ConverseResponse> ConverseAsync(string modelId, ConverseRequest request, CancellationToken cancellationToken)
    {
        using var call = await SendAsync("/model/{modelId}/converse", modelId, Serialize(request, BedrockJsonContext.Default.ConverseRequest), Json, cancellationToken).ConfigureAwait(false);
        return await call.ReadJsonAsync(BedrockJsonContext.Default.ConverseResponse).ConfigureAwait(false);
    }

    /// <summary>Returns once Bedrock has answered 200 (errors before the stream throw here); the events are then
    /// read as they arrive. Dispose the result to release the connection.</summary>
    public async Task<ConverseEventStream> ConverseStreamAsync(string modelId, ConverseRequest request, CancellationToken cancellationToken)
    {
        var call = await SendAsync("/model/{modelId}/converse-stream", modelId, Serialize(request, BedrockJsonContext.Default.ConverseRequest), Json, cancellationToken).ConfigureAwait(false);
        return new ConverseEventStream(call);
    }

    public async Task<InvokeModelResult> InvokeModelAsync(string modelId, byte[] body, CancellationToken cancellationToken)
    {
        using var call = await SendAsync("/model/{modelId}/invoke", modelId, body, Json, cancellationToken, accept: Json).ConfigureAwait(false);
        var bytes = await call.ReadBytesAsync().ConfigureAwait(false);
        var tokens = call.Response.Headers.TryGetValues("x-amzn-bedrock-input-token-count", out var values)
            && int.TryParse(values.FirstOrDefault(), out var n) ? n : (int?)null;
        return new InvokeModelResult(bytes, tokens);
    }

    /// <summary>Whether Bedrock's endpoint can be reached at all: DNS, TCP, TLS and the trust of its certificate. One
    /// unsigned HEAD /, whatever status it gets. Null when it answered, else why not.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Head, Endpoint) { Version = version, VersionPolicy = versionPolicy };
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is not System.Security.Authentication.AuthenticationException tls
                ? $"Amazon Bedrock ({Endpoint}) could not be reached: {e.Message}"
                : $"The TLS handshake with Amazon Bedrock ({Endpoint}) failed: {tls.Message}";
        }
    }

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    private async Task<UpstreamCall> SendAsync(string resourcePath, string modelId, byte[] body, string contentType, CancellationToken cancellationToken, string? accept = null)
    {
        // One deadline for the whole call, stream included, on one token source that the caller's token also cancels:
        // the two stay apart because the caller's own token says whether it was the caller.
        var call = new UpstreamCall(new CancellationTokenSource(requestTimeout, time), cancellationToken);
        try
        {
            var creds = await credentials.GetAsync(call.Token).ConfigureAwait(false);
            var signed = signer.Sign(resourcePath, modelId, body, contentType, creds, time.GetUtcNow().UtcDateTime, accept);
            using var message = signed.ToHttpRequest(body);
            (message.Version, message.VersionPolicy) = (version, versionPolicy);

            call.Response = await http.SendAsync(message, call.Token).ConfigureAwait(false);
            if (call.Response.StatusCode != HttpStatusCode.OK)
            {
                throw await ReadErrorAsync(call.Response, call.Token).ConfigureAwait(false);
            }

            return call;
        }
        catch (Exception e)
        {
            call.Dispose();
            throw call.Translate(e);
        }
    }

    private static async Task<BedrockException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        BedrockErrorBody? body = null;
        try
        {
            var bytes = await ReadBoundedAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            body = bytes.Length > 0 ? JsonSerializer.Deserialize(bytes, BedrockJsonContext.Default.BedrockErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not JSON (a load balancer's HTML page, say): the status and headers still tell what happened.
        }

        var header = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        var rawType = header ?? body?.Type ?? body?.Code;
        var type = rawType is null ? $"Http{(int)response.StatusCode}" : BedrockException.SanitizeErrorType(rawType);
        var message = response.Headers.TryGetValues("x-amzn-error-message", out var m) ? m.FirstOrDefault() : null;
        message ??= body?.Message ?? body?.MessageUpper ?? response.ReasonPhrase ?? "no message";
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new BedrockException((int)response.StatusCode, type, message, requestId);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>One upstream request: its response and the token that bounds it (the call's deadline, or the caller's
    /// token).</summary>
    internal sealed class UpstreamCall : IDisposable
    {
        private readonly CancellationTokenSource _deadline;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenRegistration _link;

        public UpstreamCall(CancellationTokenSource deadline, CancellationToken caller)
        {
            (_deadline, _caller) = (deadline, caller);
            _link = caller.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        }

        public HttpResponseMessage Response { get; set; } = null!;
        public CancellationToken Token => _deadline.Token;

        /// <summary>The whole body, then read at once: Bedrock answers with its Content-Length, and a body in hand is
        /// read without the asynchronous reader's machinery.</summary>
        public async Task<T> ReadJsonAsync<T>(JsonTypeInfo<T> typeInfo)
        {
            try
            {
                var body = await Response.Content.ReadAsByteArrayAsync(Token).ConfigureAwait(false);
                return (body.Length > 0 ? JsonSerializer.Deserialize(body, typeInfo) : default)
                    ?? throw new BedrockTransportException("Amazon Bedrock answered with an empty body.", timedOut: false);
            }
            catch (Exception e)
            {
                throw Translate(e);
            }
        }

        public async Task<byte[]> ReadBytesAsync()
        {
            try
            {
                return await Response.Content.ReadAsByteArrayAsync(Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw Translate(e);
            }
        }

        /// <summary>Our deadline firing is a timeout; the caller's token firing is a cancellation and stays one;
        /// a broken connection or unreadable body is a transport failure.</summary>
        public Exception Translate(Exception e) => e switch
        {
            BedrockException or BedrockTransportException or EventStreamFormatException => e,
            OperationCanceledException when _caller.IsCancellationRequested => new OperationCanceledException(_caller),
            OperationCanceledException when _deadline.IsCancellationRequested =>
                new BedrockTransportException("Amazon Bedrock did not answer before the request timeout.", timedOut: true, e),
            HttpRequestException or IOException or JsonException =>
                new BedrockTransportException($"Amazon Bedrock could not be reached: {e.Message}", timedOut: false, e),
            Amazon.Runtime.AmazonClientException =>
                new BedrockTransportException($"No AWS credentials could be resolved: {e.Message}", timedOut: false, e),
            _ => e,
        };

        public void Dispose()
        {
            Response?.Dispose();
            _link.Dispose();
            _deadline.Dispose();
        }
    }
}

public sealed record InvokeModelResult(byte[] Body, int? InputTokenCount);

/// <summary>The events of one ConverseStream response, decoded as their bytes arrive.</summary>
public sealed class ConverseEventStream : IDisposable
{
    private readonly BedrockRuntimeClient.UpstreamCall _call;

    internal ConverseEventStream(BedrockRuntimeClient.UpstreamCall call) => _call = call;

    public async IAsyncEnumerable<ConverseStreamEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.Token);
        Stream body;
        try
        {
            body = await _call.Response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw _call.Translate(e);
        }

        await using var _ = body.ConfigureAwait(false);
        var messages = EventStreamReader.ReadAllAsync(body, linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                ConverseStreamEvent? next;
                try
                {
                    if (!await messages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    next = Decode(messages.Current);
                }
                catch (Exception e)
                {
                    throw _call.Translate(e);
                }

                if (next is not null)
                {
                    yield return next;
                }
            }
        }
        finally
        {
            await messages.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Event frames become typed events (unknown event types are skipped, for forward compatibility);
    /// exception frames throw the error they carry.</summary>
    public static ConverseStreamEvent? Decode(EventStreamMessage message)
    {
        var payload = message.Payload.Span;
        var context = BedrockJsonContext.Default;
        switch (message.MessageType)
        {
            case "event":
                return message.EventType switch
                {
                    "messageStart" => new ConverseStreamEvent.MessageStart(Parse(payload, context.MessageStartEvent)),
                    "contentBlockStart" => new ConverseStreamEvent.BlockStart(Parse(payload, context.ContentBlockStartEvent)),
                    "contentBlockDelta" => new ConverseStreamEvent.BlockDelta(Parse(payload, context.ContentBlockDeltaEvent)),
                    "contentBlockStop" => new ConverseStreamEvent.BlockStop(Parse(payload, context.ContentBlockStopEvent)),
                    "messageStop" => new ConverseStreamEvent.MessageStop(Parse(payload, context.MessageStopEvent)),
                    "metadata" => new ConverseStreamEvent.Metadata(Parse(payload, context.MetadataEvent)),
                    _ => null,
                };
            case "exception":
                var shape = BedrockException.ShapeFromMember(message.ExceptionType ?? "");
                var body = payload.IsEmpty ? null : Parse(payload, context.BedrockErrorBody);
                var text = body?.Message ?? body?.MessageUpper ?? "no message";
                if (body?.OriginalMessage is { } original)
                {
                    text = $"{text} ({body.OriginalStatusCode}: {original})";
                }

                throw new BedrockException(BedrockException.StatusOf(shape), shape, text, inStream: true);
            case "error":
                throw new BedrockException(500, message.ErrorCode ?? "UnknownError", message.ErrorMessage ?? "no message", inStream: true);
            default:
                throw new EventStreamFormatException($"Unknown event stream message type '{message.MessageType}'.");
        }
    }

    private static T Parse<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, typeInfo) ?? throw new EventStreamFormatException($"Empty {typeof(T).Name} payload.");
        }
        catch (JsonException e)
        {
            // The payload is model output: it stays out of the message, which may be logged.
            throw new EventStreamFormatException($"Malformed {typeof(T).Name} payload at {e.Path}.");
        }
    }

    public void Dispose() => _call.Dispose();
}
