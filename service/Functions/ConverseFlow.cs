using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Bedrock.EventStream;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

/// <summary>The one flow of every request answered by a Converse call, whatever its API (<see cref="ConverseFunction{TRequest}"/>):
/// read the body; check the request limits, fetch allowed remote images and check the limits again; translate;
/// add the customer's policies (guardrail, cache points, the default service tier and the key's tiers); report the model; call Converse (JSON) or ConverseStream (Server-Sent Events);
/// report the tokens, which charges the key and records the metrics; write the answer or relay the stream; log the
/// prompt (only with Proxy:Telemetry:LogPrompts).</summary>
public sealed class ConverseFlow(ProxyConfiguration configuration, BedrockRuntimeClient bedrock, Upstream upstream, Images.ImageFetcher images,
    PromptLog prompts, TimeProvider time)
{
    public async Task RunAsync<TRequest>(HttpContext context, ConverseFunction<TRequest> api)
        where TRequest : class
    {
        var cancellationToken = context.RequestAborted;
        var request = await JsonBody.ReadAsync(context.Request, api.RequestType, configuration.Options.Limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        var answer = await api.TranslateAsync(request, chat => PrepareAsync(chat, cancellationToken), context.Models(configuration)).ConfigureAwait(false);
        var call = answer.Call;
        CustomerPolicies.Apply(call.Request, configuration.Options);
        ServiceTierMapping.Apply(call.Request, call.Model.Spec, configuration.Options.ServiceTier, context.ServiceTiers());
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

    /// <summary>The customer's switches for built-in tools, the request limits on what the client sent (before anything is fetched), the fetch of allowed remote
    /// images, and the limits again once those are inline (their share of the total).</summary>
    private async Task PrepareAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        BuiltInTools.CheckEnabled(request, configuration.Options.BuiltInTools);
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
        events.Start();
        await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
        var reader = stream.ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (reader.ConfigureAwait(false))
        {
            var failure = await RelayAsync(context, reader, sse, events, usage, started, cancellationToken).ConfigureAwait(false);
            usage.TokensUsed(events.Tokens);
            if (failure is null && !events.Finished)
            {
                failure = Incomplete();
            }

            // The closing events, the chunked encoding's end and what was still unsent leave in one write, even when
            // the request's own token is the one that ran out: the client has the whole answer before Bedrock's stream
            // closes and before the pipeline unwinds (metrics, logs).
            var logged = events.End(failure);
            await context.Response.CompleteAsync().ConfigureAwait(false);
            if (failure is null)
            {
                await DrainAsync(reader).ConfigureAwait(false);
            }

            return logged;
        }
    }

    /// <summary>Relays Bedrock's stream as it arrives: each event is written in the API's shape, and what was written is
    /// sent whenever the next event is not already in (events that arrived together leave together; none waits). The
    /// first answer token is timed. Stops at Bedrock's last event (metadata: the answer and its usage are whole).</summary>
    /// <returns>Null when Bedrock's answer is whole; otherwise the OpenAI error that cut it short.</returns>
    private async Task<OpenAiError?> RelayAsync(HttpContext context, IAsyncEnumerator<ConverseStreamEvent> reader, ServerSentEvents sse, IStreamAnswer events,
        IRequestUsage usage, long started, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var next = reader.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                if (!await next.ConfigureAwait(false))
                {
                    return null;
                }

                var streamEvent = reader.Current;
                if (streamEvent is ConverseStreamEvent.BlockDelta)
                {
                    usage.FirstTokenOut(time.GetElapsedTime(started));
                }

                events.Write(streamEvent);
                if (streamEvent is ConverseStreamEvent.Metadata)
                {
                    return null;
                }
            }
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

    /// <summary>Reads what follows Bedrock's last event (normally only the body's end), so that its connection is
    /// reused rather than reset. The client already has its whole answer: a failure here changes nothing for it.</summary>
    private static async Task DrainAsync(IAsyncEnumerator<ConverseStreamEvent> reader)
    {
        try
        {
            while (await reader.MoveNextAsync().ConfigureAwait(false))
            {
            }
        }
        catch (Exception e) when (e is BedrockException or BedrockTransportException or EventStreamFormatException or OperationCanceledException)
        {
        }
    }

    /// <summary>Bedrock's stream ended without saying the answer was complete.</summary>
    private static OpenAiError Incomplete() =>
        new(502, "Amazon Bedrock ended the stream before the answer was complete.", OpenAiError.ServerErrorType, null, "upstream_stream_incomplete");
}

/// <summary>An endpoint answered by a Converse call through <see cref="ConverseFlow"/> (chat completions, the
/// Responses API). What sets one apart from another: the request it reads, how that becomes the Converse call, and
/// the shape of the answer (<see cref="IConverseAnswer"/>).</summary>
/// <param name="operation">chat.completions, responses: the request's operation in the prompt log and, with ".stream"
/// for a stream, in the metrics.</param>
public abstract class ConverseFunction<TRequest>(ConverseFlow flow, string operation, JsonTypeInfo<TRequest> requestType) : IFunction
    where TRequest : class
{
    public string Operation => operation;

    public JsonTypeInfo<TRequest> RequestType => requestType;

    public Task InvokeAsync(HttpContext context) => flow.RunAsync(context, this);

    /// <summary>The request as its Converse call, in this API's answer shape. <paramref name="prepare"/> is what every
    /// request goes through as the chat completion request it means, before it is translated (the request limits,
    /// the fetch of remote images, the limits again); its errors, like the translator's, must name this API's fields.</summary>
    public abstract Task<IConverseAnswer> TranslateAsync(TRequest request, Func<ChatCompletionRequest, Task> prepare, ModelResolver models);
}

/// <summary>One request's Converse call, and how its API shapes the answer: whole, or as a stream.</summary>
public interface IConverseAnswer
{
    ChatTranslation Call { get; }

    /// <summary>Bedrock's whole answer in this API's shape.</summary>
    /// <param name="log">Whether the prompt log wants the answer.</param>
    Completion Complete(ConverseResponse response, bool log);

    /// <summary>The stream that relays Bedrock's events to <paramref name="sse"/> in this API's shape.</summary>
    IStreamAnswer Stream(ServerSentEvents sse, bool log);
}

/// <summary>A whole answer in its API's shape: what the client gets, the tokens it used, what the prompt log keeps.</summary>
public sealed class Completion
{
    private readonly object _value;
    private readonly JsonTypeInfo _typeInfo;

    private Completion(object value, JsonTypeInfo typeInfo, TokenCounts tokens, PromptAnswer? logged) =>
        (_value, _typeInfo, Tokens, Logged) = (value, typeInfo, tokens, logged);

    public TokenCounts Tokens { get; }

    public PromptAnswer? Logged { get; }

    public static Completion Of<T>(T value, JsonTypeInfo<T> typeInfo, TokenCounts tokens, PromptAnswer? logged)
        where T : class => new(value, typeInfo, tokens, logged);

    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken) =>
        JsonAnswer.WriteAsync(response, _value, _typeInfo, cancellationToken);
}

/// <summary>A stream in its API's shape. The flow calls <see cref="Start"/> once Bedrock accepted the call, <see cref="Write"/>
/// for each of Bedrock's events, then <see cref="End"/> once; it sends what they write.</summary>
public interface IStreamAnswer
{
    /// <summary>True once Bedrock said the answer was complete.</summary>
    bool Finished { get; }

    /// <summary>The tokens used, once Bedrock's metadata event reported them.</summary>
    TokenCounts Tokens { get; }

    /// <summary>The events that open the stream, before Bedrock's first (if any).</summary>
    void Start();

    void Write(ConverseStreamEvent streamEvent);

    /// <summary>The events that close the stream: the end of a whole answer, or the error that cut it short
    /// (<paramref name="failure"/>).</summary>
    /// <returns>The answer for the prompt log, when it wants one.</returns>
    PromptAnswer? End(OpenAiError? failure);
}
