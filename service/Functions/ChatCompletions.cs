using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Functions;

/// <summary>POST /v1/chat/completions on Converse (JSON) or ConverseStream (Server-Sent Events).</summary>
public sealed class ChatCompletions(ProxyConfiguration configuration, BedrockRuntimeClient bedrock, Upstream upstream, Images.ImageFetcher images,
    Telemetry.PromptLog prompts, TimeProvider time) : IFunction
{
    public async Task InvokeAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.ChatCompletionRequest,
            configuration.Options.Limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        await ChatInput.PrepareAsync(request, configuration, images, cancellationToken).ConfigureAwait(false);
        var call = ChatRequestTranslator.Translate(request, Authentication.Models(context, configuration));
        CustomerPolicies.Apply(call.Request, configuration.Options);
        Metrics.Model(context, call.Model.RequestedName, call.Model.Spec.Id, call.Stream ? "chat.completions.stream" : null);
        Telemetry.PromptAnswer? answer = null;
        try
        {
            answer = call.Stream ? await StreamAsync(context, call, cancellationToken).ConfigureAwait(false)
                : await CompleteAsync(context, call, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Only with Proxy:Telemetry:LogPrompts; a failed call logs its prompt with no answer.
            prompts.Write("chat.completions", call.Model.RequestedName, call.Request, answer);
        }
    }

    private async Task<Telemetry.PromptAnswer?> CompleteAsync(HttpContext context, ChatTranslation call, CancellationToken cancellationToken)
    {
        var response = await upstream.CallAsync(call.Model.BedrockModelId, ct => bedrock.ConverseAsync(call.Model.BedrockModelId, call.Request, ct), cancellationToken).ConfigureAwait(false);
        var completion = ChatResponseTranslator.Translate(response, call, Ids.ChatCompletion(), time.GetUtcNow().ToUnixTimeSeconds());
        Authentication.ChargeTokens(context, completion.Usage?.TotalTokens ?? 0);
        Metrics.Tokens(context, completion.Usage?.PromptTokens ?? 0, completion.Usage?.CompletionTokens ?? 0);
        await context.Response.WriteAsJsonAsync(completion, OpenAiJsonContext.Wire.ChatCompletion, contentType: null, cancellationToken).ConfigureAwait(false);
        return prompts.Enabled ? Telemetry.PromptAnswer.Of(completion) : null;
    }

    private async Task<Telemetry.PromptAnswer?> StreamAsync(HttpContext context, ChatTranslation call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();

        // Errors up to here are plain HTTP errors; from the first byte on, they travel inside the stream.
        using var stream = await upstream.CallAsync(call.Model.BedrockModelId, ct => bedrock.ConverseStreamAsync(call.Model.BedrockModelId, call.Request, ct), cancellationToken).ConfigureAwait(false);
        var sse = new ServerSentEvents(context.Response);
        var translator = new ChatStreamTranslator(call, Ids.ChatCompletion(), time.GetUtcNow().ToUnixTimeSeconds());
        var answer = prompts.Enabled ? new Telemetry.PromptAnswer() : null;
        var failure = await StreamRelay.RelayAsync(context, stream, sse, streamEvent =>
        {
            foreach (var chunk in translator.Translate(streamEvent))
            {
                sse.Write(chunk, OpenAiJsonContext.Wire.ChatCompletionChunk);
                answer?.Add(chunk);
            }
        }, started, time, cancellationToken).ConfigureAwait(false);

        Authentication.ChargeTokens(context, translator.TotalTokens);
        Metrics.Tokens(context, translator.InputTokens, translator.OutputTokens);
        if (failure is null && !translator.Finished)
        {
            failure = StreamRelay.Incomplete();
        }

        if (failure is not null)
        {
            // The request's own token may be the one that ran out; the error event still has to reach the client.
            await sse.WriteErrorAsync(failure, CancellationToken.None).ConfigureAwait(false);
            answer?.Error = failure.Code;
        }
        else
        {
            await sse.WriteDoneAsync(cancellationToken).ConfigureAwait(false);
        }

        return answer;
    }
}
