using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace BedrockNovaProxy.Lambda;

/// <summary>One invocation handed out by the Runtime API.</summary>
public sealed record LambdaInvocation(string RequestId, byte[] Event, DateTimeOffset? Deadline, string? TraceId, string? FunctionArn);

/// <summary>Lambda's Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
/// `GET /runtime/invocation/next`, `POST .../{id}/response` (buffered or streamed), `POST .../{id}/error`,
/// `POST /runtime/init/error`. AWS_LAMBDA_RUNTIME_API is host:port, optionally followed by a path prefix.</summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
    public const string StreamingContentType = "application/vnd.awslambda.http-integration-response";
    private readonly HttpClient _http;
    private readonly string _host;
    private readonly int _port;
    private readonly string _basePath;

    public RuntimeApiClient(string runtimeApi)
    {
        var slash = runtimeApi.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? runtimeApi : runtimeApi[..slash];
        var prefix = slash < 0 ? "" : runtimeApi[slash..].TrimEnd('/');
        var uri = new Uri("http://" + authority);
        (_host, _port) = (uri.Host, uri.Port);
        _basePath = prefix + "/2018-06-01";
        // No timeout: /next blocks until there is work, and Lambda freezes the process in between.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://{authority}{_basePath}/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"GET /runtime/invocation/next answered {(int)response.StatusCode}.");
        }

        var headers = response.Headers;
        string? Header(string name) => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        var requestId = Header("Lambda-Runtime-Aws-Request-Id") ?? throw new LambdaRuntimeException("The invocation has no Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header("Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new LambdaInvocation(requestId, body, deadline, Header("Lambda-Runtime-Trace-Id"), Header("Lambda-Runtime-Invoked-Function-Arn"));
    }

    public async Task PostResponseAsync(string requestId, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await _http.PostAsync($"runtime/invocation/{requestId}/response", content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"POST /runtime/invocation/{requestId}/response answered {(int)response.StatusCode}.");
        }
    }

    public Task PostErrorAsync(string requestId, string errorType, string message, CancellationToken cancellationToken) =>
        SendErrorAsync($"runtime/invocation/{requestId}/error", errorType, message, cancellationToken);

    public Task PostInitErrorAsync(string errorType, string message, CancellationToken cancellationToken) =>
        SendErrorAsync("runtime/init/error", errorType, message, cancellationToken);

    private async Task SendErrorAsync(string path, string errorType, string message, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(ErrorBody(errorType, message));
        content.Headers.ContentType = new(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"POST /{path} answered {(int)response.StatusCode}.");
        }
    }

    /// <summary>{"errorMessage","errorType","stackTrace":[]}: no stack trace ever leaves the process.</summary>
    public static byte[] ErrorBody(string errorType, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorMessage", message);
            json.WriteString("errorType", errorType);
            json.WriteStartArray("stackTrace");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Opens a streamed response. It is written over a raw socket because the error trailers that end a
    /// failed stream cannot be sent with HttpClient (it has no request trailers).</summary>
    public async Task<StreamingResponse> OpenStreamingResponseAsync(string requestId, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"POST {_basePath}/runtime/invocation/{requestId}/response HTTP/1.1\r\n")
                .Append(CultureInfo.InvariantCulture, $"Host: {_host}:{_port}\r\n")
                .Append("User-Agent: bedrock-nova-proxy\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Type: {StreamingContentType}\r\n")
                .Append("Lambda-Runtime-Function-Response-Mode: streaming\r\n")
                .Append("Transfer-Encoding: chunked\r\n")
                .Append("Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n")
                .Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
            return new StreamingResponse(client, stream);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A streamed invocation response: HTTP/1.1 chunks, each sent as soon as it is written.</summary>
public sealed class StreamingResponse(TcpClient client, NetworkStream stream) : IAsyncDisposable
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    public async ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken).ConfigureAwait(false);
        foreach (var segment in data)
        {
            await stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(Crlf, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the body; with an error, as trailers (the body base64 because trailer values cannot hold
    /// CR/LF). Then reads the Runtime API's answer, which must be 2xx.</summary>
    public async Task CompleteAsync(string? errorType, string? errorMessage, CancellationToken cancellationToken)
    {
        var end = errorType is null
            ? "0\r\n\r\n"
            : $"0\r\nLambda-Runtime-Function-Error-Type: {errorType}\r\nLambda-Runtime-Function-Error-Body: {Convert.ToBase64String(RuntimeApiClient.ErrorBody(errorType, errorMessage ?? ""))}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(end), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status is < 200 or >= 300)
        {
            throw new LambdaRuntimeException($"The streamed response was refused with status {status}.");
        }
    }

    private async Task<int> ReadStatusAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>(64);
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1 && one[0] != (byte)'\n')
        {
            line.Add(one[0]);
        }

        // "HTTP/1.1 202 Accepted"
        var parts = Encoding.ASCII.GetString(line.ToArray()).Split(' ', 3);
        return parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class LambdaRuntimeException(string message) : Exception(message);
