using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Wire;
using BedrockNovaProxy.Timing;
using Microsoft.AspNetCore.Http.Features;

namespace BedrockNovaProxy.Emulators.Bedrock.Endpoints;

/// <summary>POST /model/{modelId}/(converse|converse-stream|invoke): authentication, validation, faults, latency,
/// then the answer as JSON or as an event stream. The I/O shell around the pure pieces in Wire/ and Conversation/.</summary>
public sealed partial class RuntimeEndpoint(BedrockEmulatorOptions options, EmulatorStats stats, FaultInjector faults, Sts.StsSessions sessions, TimeProvider time)
{
    private const string ErrorTypeSuffix = ":http://internal.amazon.com/coral/com.amazon.bedrock/";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _promptCache = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        var route = RoutePattern().Match(rawTarget.Split('?')[0]);
        if (!route.Success)
        {
            await WriteErrorAsync(context, BedrockError.Validation("The requested operation is not recognized by the service."));
            return;
        }

        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()));
        // The fixed local key, or temporary credentials the emulated STS issued (with their session token, unexpired).
        var auth = SigV4Verifier.Authenticate(new SignedRequestData(context.Request.Method, rawTarget, headers, body), SigV4Service.Bedrock,
            options.Region, time.GetUtcNow(), options.RequireAuthentication, sessions.Find, acceptBearer: true);
        if (auth.Failure is { } failure)
        {
            stats.AuthFailed();
            await WriteErrorAsync(context, SigV4Verifier.ToBedrockError(failure));
            return;
        }

        if (auth.Identity is { } identity)
        {
            stats.SignedBy(identity.AccessKeyId);
        }

        var operation = route.Groups["op"].Value;
        stats.Started(operation);
        try
        {
            var modelId = Uri.UnescapeDataString(route.Groups["model"].Value);
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var spec = ModelIds.Resolve(modelId, options.Region, today, chat: operation != "invoke");
            var json = ParseJson(body);
            if (operation == "invoke")
            {
                await InvokeAsync(context, spec, json);
            }
            else
            {
                await ConverseAsync(context, spec, json, streaming: operation == "converse-stream");
            }
        }
        catch (BedrockErrorException e)
        {
            stats.Failed();
            await WriteErrorAsync(context, e.Error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            stats.CallerCancelled(context.Request.Protocol);
        }
        finally
        {
            stats.Finished();
        }
    }

    private async Task ConverseAsync(HttpContext context, Catalog.ModelSpec spec, JsonNode? json, bool streaming)
    {
        var request = ConverseRequestReader.Read(json, spec);
        var markers = Markers.Of(request);
        var fault = await ApplyFaultsAsync(markers, json?.ToJsonString() ?? "", context.RequestAborted);
        var reply = Responder.Answer(request, spec, markers);
        if (request.CachePrefixTokens > 0 && reply.CacheReadTokens == 0)
        {
            // The first request with a prefix writes it to the cache; the ones after read it.
            reply = _promptCache.TryAdd(request.CachePrefixKey, true)
                ? reply with { CacheWriteTokens = request.CachePrefixTokens }
                : reply with { CacheReadTokens = request.CachePrefixTokens };
        }

        reply = reply with { ServiceTier = request.ServiceTier };
        stats.Tokens(reply.InputTokens, reply.OutputTokens);
        var (ttft, tps) = TierLatency.For(request.ServiceTier,
            markers.TimeToFirstToken ?? options.Latency.TimeToFirstToken, markers.TokensPerSecond ?? options.Latency.TokensPerSecond);
        var started = time.GetTimestamp();
        if (!streaming)
        {
            await PaceAsync(started, ttft, tps, reply.OutputTokens, context.RequestAborted);
            await WriteJsonAsync(context, ConverseResponses.Response(reply, (long)time.GetElapsedTime(started).TotalMilliseconds));
            return;
        }

        context.Response.ContentType = EventStreamFrames.ContentType;
        await context.Response.StartAsync(context.RequestAborted);
        var events = ConverseResponses.Events(reply, (long)ttft.TotalMilliseconds).ToList();
        var tokenEvents = events.Count(e => e.Tokens > 0);
        var (emitted, sent, sequence) = (0, 0, 0);
        foreach (var e in events)
        {
            if (e.Tokens > 0)
            {
                if (fault.MidStream is { } error && sent >= Math.Max(1, tokenEvents / 2))
                {
                    await WriteFrameAsync(context, EventStreamFrames.Exception(error));
                    return;
                }

                await PaceAsync(started, ttft, tps, emitted, context.RequestAborted);
                emitted += e.Tokens;
                sent++;
            }

            await WriteFrameAsync(context, EventStreamFrames.Event(e, options.PadStreamEvents, sequence++));
        }
    }

    private async Task InvokeAsync(HttpContext context, Catalog.ModelSpec spec, JsonNode? json)
    {
        var input = EmbeddingBodies.Read(json, spec);
        var markers = Markers.Parse(input.Text);
        await ApplyFaultsAsync(markers, json?.ToJsonString() ?? "", context.RequestAborted);
        var tokens = Tokenizer.Count(input.Text);
        stats.Tokens(tokens, 0);
        await PaceAsync(time.GetTimestamp(), markers.TimeToFirstToken ?? options.Latency.TimeToFirstToken, 0, 0, context.RequestAborted);
        context.Response.Headers["x-amzn-bedrock-input-token-count"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, EmbeddingBodies.Response(input, spec, tokens));
    }

    /// <summary>Throws the fault's error, or hangs until the caller gives up; returns the plan for mid-stream faults.</summary>
    private async Task<FaultPlan> ApplyFaultsAsync(Markers markers, string request, CancellationToken cancellationToken)
    {
        var plan = faults.Decide(markers, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(request))));
        if (plan.Any)
        {
            stats.FaultInjected();
        }

        if (plan.Before is { } error)
        {
            throw new BedrockErrorException(error);
        }

        if (plan.Hang)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }

        return plan;
    }

    /// <summary>Waits until token number <paramref name="tokens"/> is due: the time to first token, then the rate.</summary>
    private Task PaceAsync(long started, TimeSpan ttft, double tps, int tokens, CancellationToken cancellationToken)
    {
        var due = ttft + (tps > 0 ? TimeSpan.FromSeconds(tokens / tps) : TimeSpan.Zero);
        return time.DelayAsync(due - time.GetElapsedTime(started), cancellationToken);
    }

    private static async Task WriteFrameAsync(HttpContext context, byte[] frame)
    {
        // One frame, one flush: the caller sees every event as soon as it exists.
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext context, BedrockError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = (int)error.Status;
        context.Response.Headers["x-amzn-ErrorType"] = error.Type + ErrorTypeSuffix;
        await WriteJsonAsync(context, new JsonObject { ["message"] = error.Message });
    }

    private static JsonNode? ParseJson(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new BedrockErrorException(BedrockError.Validation($"Malformed input request: the body is not valid JSON ({e.Message}), please reformat your input and try again."));
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    [GeneratedRegex("^/model/(?<model>[^/]+)/(?<op>converse|converse-stream|invoke)$")]
    private static partial Regex RoutePattern();
}
