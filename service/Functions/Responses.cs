using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

/// <summary>POST /v1/responses (OpenAI's Responses API) on Converse (JSON) or ConverseStream (Server-Sent Events),
/// through <see cref="ConverseFlow"/>. The request is read as the chat completion it means, so models, key
/// restrictions, customer policies, images, documents, retries and errors are those of chat completions, named in
/// the Responses API's fields. Stateless: nothing is stored, and the answer says so (store: false).</summary>
public sealed class Responses(ConverseFlow flow, TimeProvider time)
    : ConverseFunction<ResponsesRequest>(flow, "responses", OpenAiJsonContext.Default.ResponsesRequest)
{
    public override async Task<IConverseAnswer> TranslateAsync(ResponsesRequest request, Func<ChatCompletionRequest, Task> prepare, ModelResolver models)
    {
        var draft = ResponsesRequestTranslator.ToChat(request);
        try
        {
            await prepare(draft.Chat).ConfigureAwait(false);
        }
        catch (OpenAiException e)
        {
            // Limits and image fetching name the chat request's fields; the client sent input items.
            throw new OpenAiException(draft.Names.Rename(e.Error));
        }

        return new Answer(ResponsesRequestTranslator.ToConverse(draft, models), Ids.Next("resp"), time.GetUtcNow().ToUnixTimeSeconds());
    }

    private sealed class Answer(ResponsesTranslation call, string id, long createdAt) : IConverseAnswer
    {
        public ChatTranslation Call => call.Chat;

        public Completion Complete(ConverseResponse response, bool log)
        {
            var answer = ResponsesResponseTranslator.Translate(response, call, id, createdAt, Ids.Next);
            return Completion.Of(answer, OpenAiJsonContext.Wire.ResponseObject, TokenCounts.Of(answer.Usage) with { Tier = answer.ServiceTier }, log ? PromptAnswer.Of(answer) : null);
        }

        public IStreamAnswer Stream(ServerSentEvents sse, bool log) => new Events(new ResponsesStreamTranslator(call, id, createdAt, Ids.Next), sse, log);
    }

    private sealed class Events(ResponsesStreamTranslator translator, ServerSentEvents sse, bool log) : IStreamAnswer
    {
        public bool Finished => translator.Finished;

        public TokenCounts Tokens => TokenCounts.Of(translator.Usage) with { Tier = translator.ServiceTier };

        public void Start() => Write(translator.Start());

        public void Write(ConverseStreamEvent streamEvent) => Write(translator.Translate(streamEvent));

        public PromptAnswer? End(OpenAiError? failure)
        {
            if (failure is not null)
            {
                var (error, failed) = translator.Fail(failure);
                sse.Write(error, OpenAiJsonContext.Wire.ResponseErrorEvent, error.Type);
                sse.Write(failed, OpenAiJsonContext.Wire.ResponseStreamEvent, failed.Type);
                return log && failed.Response is { } partial ? PromptAnswer.Of(partial, failure.Code) : null;
            }

            var completed = translator.Complete();
            sse.Write(completed, OpenAiJsonContext.Wire.ResponseStreamEvent, completed.Type);
            return log && completed.Response is { } whole ? PromptAnswer.Of(whole) : null;
        }

        private void Write(IEnumerable<ResponseStreamEvent> events)
        {
            foreach (var e in events)
            {
                sse.Write(e, OpenAiJsonContext.Wire.ResponseStreamEvent, e.Type);
            }
        }
    }
}
