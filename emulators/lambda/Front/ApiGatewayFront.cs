using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Emulators.Lambda.Events;
using BedrockNovaProxy.Emulators.Lambda.Runtime;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Emulators.Lambda.Front;

/// <summary>The API Gateway (or Function URL) in front of the function: throttling, payload limits, the event,
/// the wait for the worker under the integration timeout, and the answer back as HTTP, buffered or streamed.
/// Error bodies are API Gateway's own.</summary>
public sealed class ApiGatewayFront(LambdaEmulatorOptions options, InvocationQueue queue, LambdaEmulatorStats stats, TimeProvider time)
{
    private static readonly byte[] PreludeEnd = new byte[8];
    // API Gateway stage throttling: a bucket of ThrottleBurst tokens refilled at ThrottleRate per second.
    private readonly RateBucket? _throttle = options.ThrottleRate > 0 ? new RateBucket(options.ThrottleBurst, options.ThrottleRate, time) : null;

    public async Task HandleAsync(HttpContext context)
    {
        if (_throttle is { } throttle && !throttle.TryTake())
        {
            stats.Throttle();
            await MessageAsync(context, 429, "Too Many Requests");
            return;
        }

        var (stage, path) = StageAndPath(context.Request.Path.Value ?? "/");
        if (stage is null)
        {
            await MessageAsync(context, 403, "Missing Authentication Token");
            return;
        }

        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            await MessageAsync(context, 413, "Request Too Long");
            return;
        }

        var requestId = Guid.NewGuid().ToString();
        var request = new FrontRequest(context.Request.Method, stage, path, context.Request.QueryString.Value?.TrimStart('?') ?? "",
            [.. context.Request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))],
            body, context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1", requestId, time.GetUtcNow());
        var invocation = new Invocation(requestId, Encoding.UTF8.GetBytes(EventBuilder.Build(options.EventFormat, request).ToJsonString()),
            time.GetUtcNow() + options.FunctionTimeout, $"Root=1-{time.GetUtcNow().ToUnixTimeSeconds():x8}-{requestId.Replace("-", "", StringComparison.Ordinal)[..24]};Sampled=0",
            // As the rendered stacks do, each API Gateway stage invokes the function alias of the same name.
            qualifier: stage == "$default" ? null : stage);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        stats.Invoked();
        try
        {
            queue.Enqueue(invocation);
            var timeout = options.Streaming || options.EventFormat != EventFormat.RestApiV1 ? options.FunctionTimeout : options.IntegrationTimeout;
            InvocationOutcome outcome;
            try
            {
                outcome = await invocation.Outcome.Task.WaitAsync(timeout, time, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                stats.TimedOut();
                await MessageAsync(context, 504, "Endpoint request timed out");
                return;
            }

            switch (outcome)
            {
                case BufferedOutcome buffered:
                    await AnswerBufferedAsync(context, buffered.Payload);
                    break;
                case StreamedOutcome streamed:
                    try
                    {
                        await AnswerStreamedAsync(context, streamed.Body);
                    }
                    finally
                    {
                        streamed.Done.TrySetResult();
                    }

                    break;
                case ErrorOutcome:
                    stats.Failed();
                    await MessageAsync(context, 502, "Internal server error");
                    break;
            }
        }
        finally
        {
            stats.Answered();
        }
    }

    private (string? Stage, string Path) StageAndPath(string path)
    {
        if (options.EventFormat == EventFormat.FunctionUrl)
        {
            return ("$default", path);
        }

        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/');
        return trimmed.Length == 0 ? (null, "/") : slash < 0 ? (trimmed, "/") : (trimmed[..slash], trimmed[slash..]);
    }

    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > options.MaxPayloadBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task AnswerBufferedAsync(HttpContext context, byte[] payload)
    {
        var answer = ProxyResponse.Parse(payload, options.EventFormat);
        if (answer is null || answer.Body.Length > options.MaxPayloadBytes)
        {
            stats.Failed();
            await MessageAsync(context, 502, "Internal server error");
            return;
        }

        context.Response.StatusCode = answer.Status;
        WriteHeaders(context, answer.Headers);
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>A streamed response: the JSON prelude (status, headers, cookies) and its eight NUL bytes, then the
    /// body, forwarded chunk by chunk as the worker writes it. An error trailer cuts the client's connection, the
    /// only signal left once the status has gone out.</summary>
    private async Task AnswerStreamedAsync(HttpContext context, HttpRequest worker)
    {
        var hasPrelude = worker.ContentType?.StartsWith("application/vnd.awslambda.http-integration-response", StringComparison.OrdinalIgnoreCase) ?? false;
        var chunk = new byte[16 * 1024];
        var pending = new List<byte>();
        var started = !hasPrelude;
        if (started)
        {
            context.Response.StatusCode = 200;
            await context.Response.StartAsync(context.RequestAborted);
        }

        int read;
        while ((read = await worker.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            var data = chunk.AsMemory(0, read);
            if (!started)
            {
                pending.AddRange(data.Span);
                var end = pending.ToArray().AsSpan().IndexOf(PreludeEnd);
                if (end < 0)
                {
                    continue;
                }

                if (JsonNode.Parse(pending.ToArray().AsSpan(0, end)) is not JsonObject prelude || ProxyResponse.Headers(prelude) is not { } headers)
                {
                    stats.Failed();
                    await MessageAsync(context, 502, "Internal server error");
                    return;
                }

                context.Response.StatusCode = prelude["statusCode"]?.GetValue<int>() ?? 200;
                WriteHeaders(context, headers);
                await context.Response.StartAsync(context.RequestAborted);
                data = pending.ToArray().AsMemory(end + PreludeEnd.Length);
                started = true;
            }

            if (data.Length > 0)
            {
                await context.Response.Body.WriteAsync(data, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }

        if (worker.CheckTrailersAvailable() && worker.GetTrailer("Lambda-Runtime-Function-Error-Type").Count > 0)
        {
            stats.Failed();
            context.Abort();
        }
    }

    private static void WriteHeaders(HttpContext context, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var group in headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (group.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase) || group.Key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            context.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }
    }

    private static async Task MessageAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString());
    }
}
