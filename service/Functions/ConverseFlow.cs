using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Bedrock.EventStream;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Functions;

/// <summary>The one flow of every request answered by a Converse call, whatever its API (<see cref="IConverseApi{TRequest}"/>):
/// read the body; check the request limits, fetch allowed remote images and check the limits again; translate;
/// add the customer's policies; report the model; call Converse (JSON) or ConverseStream (Server-Sent Events);
/// report the tokens, which charges the key and records the metrics; write the answer or relay the stream; log the
/// prompt (only with Proxy:Telemetry:LogPrompts).</summary>
public sealed class ConverseFlow(ProxyConfiguration configuration, BedrockRuntimeClient bedrock, Upstream upstream, Images.ImageFetcher images,
    PromptLog prompts, TimeProvider time)
{
    public async Task RunAsync<TRequest>(HttpContext context, IConverseApi<TRequest> api)
        where TRequest : class
    {
        var cancellationToken = context.RequestAborted;
        var request = await JsonBody.ReadAsync(context.Request, api.RequestType, configuration.Options.Limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        var answer = await api.TranslateAsync(request, chat => PrepareAsync(chat, cancellationToken), context.Models(configuration)).ConfigureAwait(false);
        var call = answer.Call;
        CustomerPolicies.Apply(call.Request, configuration.Options);
        var usage = context.Usage();
        usage.ModelChosen(call.Model.RequestedName, call.Model.Spec.Id, call.Stream ? api.Operation + ".stream" : null);
        PromptAnswer? logged = null;
        try
        {
            logged = call.Stream ? await StreamAsync(context, answer, usage, cancellationToken).ConfigureAwait(false)
                : await CompleteAsync(context, answer, usage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A failed call logs its prompt with no answer.
            prompts.Write(api.Operation, call.Model.RequestedName, call.Request, logged);
        }
    }

    /// <summary>The request limits on what the client sent (before anything is fetched), the fetch of allowed remote
    /// images, and the limits again once those are inline (their share of the total).</summary>
    private async Task PrepareAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        RequestLimits.Check(request, configuration.Options.Limits);
        if (await images.InlineAsync(request, cancellationToken).ConfigureAwait(false))
        {
            RequestLimits.Check(request, configuration.Options.Limits);
        }
    }

    private async Task<PromptAnswer?> CompleteAsync(HttpContext context, IConverseAnswer answer, IRequestUsage usage, CancellationToken cancellationToken)
    {
        var (request, modelId) = (answer.Call.Request, answer.Call.Model.BedrockModelId);
        var response = await upstream.CallAsync(modelId, ct => bedrock.ConverseAsync(modelId, request, ct), cancellationToken).ConfigureAwait(false);
        var completion = answer.Complete(response, prompts.Enabled);
        usage.TokensUsed(completion.Tokens);
        await completion.WriteAsync(context.Response, cancellationToken).ConfigureAwait(false);
        return completion.Logged;
    }

    private async Task<PromptAnswer?> StreamAsync(HttpContext context, IConverseAnswer answer, IRequestUsage usage, CancellationToken cancellationToken)
    {
        var (request, modelId) = (answer.Call.Request, answer.Call.Model.BedrockModelId);
        var started = time.GetTimestamp();

        // Errors up to here are plain HTTP errors; from the first byte on, they travel inside the stream.
        using var stream = await upstream.CallAsync(modelId, ct => bedrock.ConverseStreamAsync(modelId, request, ct), cancellationToken).ConfigureAwait(false);
        var sse = new ServerSentEvents(context.Response);
        var events = answer.Stream(sse, prompts.Enabled);
        await events.StartAsync(cancellationToken).ConfigureAwait(false);
        var failure = await RelayAsync(context, stream, sse, events, usage, started, cancellationToken).ConfigureAwait(false);
        usage.TokensUsed(events.Tokens);
        if (failure is null && !events.Finished)
        {
            failure = Incomplete();
        }

        // After a failure the request's own token may be the one that ran out; the closing events still have to reach the client.
        return await events.EndAsync(failure, failure is null ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Relays Bedrock's stream as it arrives: each event is written in the API's shape and flushed at once,
    /// and the first answer token is timed.</summary>
    /// <returns>Null when Bedrock's stream ran to its end; otherwise the OpenAI error that cut it short.</returns>
    private async Task<OpenAiError?> RelayAsync(HttpContext context, ConverseEventStream stream, ServerSentEvents sse, IStreamAnswer events,
        IRequestUsage usage, long started, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var streamEvent in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (streamEvent is ConverseStreamEvent.BlockDelta)
                {
                    usage.FirstTokenOut(time.GetElapsedTime(started));
                }

                events.Write(streamEvent);
                await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (BedrockException e)
        {
            return ErrorTranslator.FromBedrock(e);
        }
        catch (BedrockTransportException e)
        {
            return ErrorTranslator.FromTransport(e);
        }
        catch (EventStreamFormatException)
        {
            return ErrorTranslator.FromStreamFormat();
        }
        catch (OperationCanceledException) when (context.Features.Get<RequestDeadline>() is { Expired: true } deadline)
        {
            return deadline.Error;
        }
    }

    /// <summary>Bedrock's stream ended without saying the answer was complete.</summary>
    private static OpenAiError Incomplete() =>
        new(502, "Amazon Bedrock ended the stream before the answer was complete.", OpenAiError.ServerErrorType, null, "upstream_stream_incomplete");
}
