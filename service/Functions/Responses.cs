using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Functions;

/// <summary>POST /v1/responses (OpenAI's Responses API) on Converse (JSON) or ConverseStream (Server-Sent Events).
/// The request is read as the chat completion it means, so models, key restrictions, customer policies, images,
/// documents, retries and errors are those of chat completions. Stateless: nothing is stored, and the answer says so
/// (store: false).</summary>
public sealed class Responses(ProxyConfiguration configuration, BedrockRuntimeClient bedrock, Upstream upstream, Images.ImageFetcher images,
    Telemetry.PromptLog prompts, TimeProvider time) : IFunction
{
    public async Task InvokeAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.ResponsesRequest,
            configuration.Options.Limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        var draft = ResponsesRequestTranslator.ToChat(request);
        try
        {
            await ChatInput.PrepareAsync(draft.Chat, configuration, images, cancellationToken).ConfigureAwait(false);
        }
        catch (OpenAiException e)
        {
            // Limits and image fetching name the chat request's fields; the client sent input items.
            throw new OpenAiException(draft.Names.Rename(e.Error));
        }

        var call = ResponsesRequestTranslator.ToConverse(draft, Authentication.Models(context, configuration));
        var converse = call.Chat;
        CustomerPolicies.Apply(converse.Request, configuration.Options);
        Metrics.Model(context, converse.Model.RequestedName, converse.Model.Spec.Id, converse.Stream ? "responses.stream" : null);
        Telemetry.PromptAnswer? logged = null;
        try
        {
            logged = await AnswerAsync(context, call, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Only with Proxy:Telemetry:LogPrompts; a failed call logs its prompt with no answer.
            prompts.Write("responses", converse.Model.RequestedName, converse.Request, logged);
        }
    }

    private async Task<Telemetry.PromptAnswer?> AnswerAsync(HttpContext context, ResponsesTranslation call, CancellationToken cancellationToken)
    {
        var converse = call.Chat;
        var started = time.GetTimestamp();
        var id = Ids.Next("resp");
        var createdAt = time.GetUtcNow().ToUnixTimeSeconds();
        var modelId = converse.Model.BedrockModelId;

        if (!converse.Stream)
        {
            var answer = await upstream.CallAsync(modelId, ct => bedrock.ConverseAsync(modelId, converse.Request, ct), cancellationToken).ConfigureAwait(false);
            var response = ResponsesResponseTranslator.Translate(answer, call, id, createdAt, Ids.Next);
            Authentication.ChargeTokens(context, response.Usage?.TotalTokens ?? 0);
            Metrics.Tokens(context, response.Usage?.InputTokens ?? 0, response.Usage?.OutputTokens ?? 0);
            await context.Response.WriteAsJsonAsync(response, OpenAiJsonContext.Wire.ResponseObject, contentType: null, cancellationToken).ConfigureAwait(false);
            return prompts.Enabled ? Telemetry.PromptAnswer.Of(response) : null;
        }

        // Errors up to here are plain HTTP errors; from the first byte on, they travel inside the stream.
        using var stream = await upstream.CallAsync(modelId, ct => bedrock.ConverseStreamAsync(modelId, converse.Request, ct), cancellationToken).ConfigureAwait(false);
        var sse = new ServerSentEvents(context.Response);
        var translator = new ResponsesStreamTranslator(call, id, createdAt, Ids.Next);
        Write(sse, translator.Start());
        await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
        var failure = await StreamRelay.RelayAsync(context, stream, sse, streamEvent => Write(sse, translator.Translate(streamEvent)),
            started, time, cancellationToken).ConfigureAwait(false);

        Authentication.ChargeTokens(context, translator.TotalTokens);
        Metrics.Tokens(context, translator.InputTokens, translator.OutputTokens);
        if (failure is null && !translator.Finished)
        {
            failure = StreamRelay.Incomplete();
        }

        if (failure is not null)
        {
            // The request's own token may be the one that ran out; the closing events still have to reach the client.
            var (error, failed) = translator.Fail(failure);
            sse.Write(error, OpenAiJsonContext.Wire.ResponseErrorEvent, error.Type);
            sse.Write(failed, OpenAiJsonContext.Wire.ResponseStreamEvent, failed.Type);
            await sse.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return prompts.Enabled && failed.Response is { } partial ? Telemetry.PromptAnswer.Of(partial, failure.Code) : null;
        }

        var completed = translator.Complete();
        sse.Write(completed, OpenAiJsonContext.Wire.ResponseStreamEvent, completed.Type);
        await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
        return prompts.Enabled && completed.Response is { } whole ? Telemetry.PromptAnswer.Of(whole) : null;
    }

    private static void Write(ServerSentEvents sse, IEnumerable<ResponseStreamEvent> events)
    {
        foreach (var e in events)
        {
            sse.Write(e, OpenAiJsonContext.Wire.ResponseStreamEvent, e.Type);
        }
    }
}
