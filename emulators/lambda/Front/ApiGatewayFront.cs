using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Emulators.Lambda.Events;
using BedrockNovaProxy.Emulators.Lambda.Runtime;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Emulators.Lambda.Front;

/// <summary>The API Gateway (or Function URL) in front of the function: throttling, payload limits, the event,
/// the wait for the worker under the integration timeout, and the answer back as HTTP, buffered or streamed.
/// Error answers are each front's own: REST's 502 "Internal server error" and 504 "Endpoint request timed out",
/// HTTP API's 500 "Internal Server Error" and 503 "Service Unavailable", a Function URL's 502.</summary>
/// <param name="startWorker">Starts the function's runtime if the emulator runs it and none is running.</param>
public sealed class ApiGatewayFront(LambdaEmulatorOptions options, InvocationQueue queue, LambdaEmulatorStats stats, TimeProvider time, Action? startWorker = null)
{
    /// <summary>HTTP APIs wait at most 30 s for an integration (http-api-quotas).</summary>
    private static readonly TimeSpan HttpApiIntegrationTimeout = TimeSpan.FromSeconds(30);

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
        var traceRoot = $"Root=1-{time.GetUtcNow().ToUnixTimeSeconds():x8}-{requestId.Replace("-", "", StringComparison.Ordinal)[..24]}";
        var request = new FrontRequest(context.Request.Method, stage, path, context.Request.QueryString.Value?.TrimStart('?') ?? "",
            [.. context.Request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))],
            body, context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1", requestId, time.GetUtcNow())
        {
            Protocol = context.Request.Protocol,
            Port = context.Connection.LocalPort,
            TraceRoot = traceRoot,
        };
        var invocation = new Invocation(requestId, Encoding.UTF8.GetBytes(EventBuilder.Build(options.EventFormat, request).ToJsonString()),
            time.GetUtcNow() + options.FunctionTimeout, traceRoot + ";Sampled=0",
            // As the rendered stacks do, each API Gateway stage invokes the function alias of the same name.
            qualifier: stage == "$default" ? null : stage);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        stats.Invoked();
        try
        {
            startWorker?.Invoke();
            queue.Enqueue(invocation);
            InvocationOutcome outcome;
            try
            {
                outcome = await invocation.Outcome.Task.WaitAsync(GatewayTimeout, time, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                // The gateway gave up before the function's deadline; the function itself may still run.
                stats.TimedOut();
                await (options.EventFormat == EventFormat.HttpApiV2 ? MessageAsync(context, 503, "Service Unavailable") : MessageAsync(context, 504, "Endpoint request timed out"));
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
                        await AnswerStreamedAsync(context, streamed.Body, invocation.Expired);
                    }
                    finally
                    {
                        streamed.Done.TrySetResult();
                    }

                    break;
                case ErrorOutcome error:
                    if (error.ErrorType == "Sandbox.Timedout")
                    {
                        stats.TimedOut();
                    }

                    await FunctionErrorAsync(context);
                    break;
            }
        }
        finally
        {
            stats.Answered();
        }
    }

    /// <summary>How long the front waits for the function: a buffered REST integration IntegrationTimeout (29 s), an HTTP
    /// API 30 s (its default and maximum); streamed REST and Function URLs as long as the function may run (its deadline
    /// answers first).</summary>
    private TimeSpan GatewayTimeout => options.EventFormat switch
    {
        EventFormat.RestApiV1 when !options.Streaming => options.IntegrationTimeout,
        EventFormat.HttpApiV2 => HttpApiIntegrationTimeout,
        _ => Timeout.InfiniteTimeSpan,
    };

    /// <summary>The function failed, timed out, died or answered something that is not a response: each front's own answer.</summary>
    private async Task FunctionErrorAsync(HttpContext context)
    {
        stats.Failed();
        switch (options.EventFormat)
        {
            case EventFormat.HttpApiV2:
                await MessageAsync(context, 500, "Internal Server Error");
                break;
            case EventFormat.FunctionUrl:
                context.Response.StatusCode = 502;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("Internal Server Error");
                break;
            default:
                await MessageAsync(context, 502, "Internal server error");
                break;
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
            await FunctionErrorAsync(context);
            return;
        }

        context.Response.StatusCode = answer.Status;
        WriteHeaders(context, answer.Headers);
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>A streamed response: the JSON prelude (status, headers, cookies) and its eight NUL bytes, then the
    /// body, forwarded chunk by chunk as the worker writes it. An error trailer cuts the client's connection, the
    /// only signal left once the status has gone out; so does the function's deadline, and a worker that dies.</summary>
    private async Task AnswerStreamedAsync(HttpContext context, HttpRequest worker, CancellationToken expired)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, expired);
        try
        {
            await RelayAsync(context, worker, cut.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Timed out, the worker's connection broke, or the client left: a response already started can only be cut.
            if (expired.IsCancellationRequested)
            {
                stats.TimedOut();
            }

            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            {
                stats.Failed();
                context.Abort();
            }
            else
            {
                await FunctionErrorAsync(context);
            }
        }
    }

    private async Task RelayAsync(HttpContext context, HttpRequest worker, CancellationToken cancellationToken)
    {
        var hasPrelude = worker.ContentType?.StartsWith("application/vnd.awslambda.http-integration-response", StringComparison.OrdinalIgnoreCase) ?? false;
        var chunk = new byte[16 * 1024];
        var pending = new List<byte>();
        var started = !hasPrelude;
        if (started)
        {
            context.Response.StatusCode = 200;
            await context.Response.StartAsync(cancellationToken);
        }

        int read;
        while ((read = await worker.Body.ReadAsync(chunk, cancellationToken)) > 0)
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

                if (Prelude(pending.ToArray().AsSpan(0, end)) is not { } prelude || ProxyResponse.Headers(prelude) is not { } headers)
                {
                    await FunctionErrorAsync(context);
                    return;
                }

                context.Response.StatusCode = prelude["statusCode"]?.GetValue<int>() ?? 200;
                WriteHeaders(context, headers);
                await context.Response.StartAsync(cancellationToken);
                data = pending.ToArray().AsMemory(end + PreludeEnd.Length);
                started = true;
            }

            if (data.Length > 0)
            {
                await context.Response.Body.WriteAsync(data, cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }
        }

        if (worker.CheckTrailersAvailable() && worker.GetTrailer("Lambda-Runtime-Function-Error-Type").Count > 0)
        {
            stats.Failed();
            context.Abort();
        }
    }

    private static JsonObject? Prelude(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
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
