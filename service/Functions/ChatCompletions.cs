using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

/// <summary>POST /v1/chat/completions on Converse (JSON) or ConverseStream (Server-Sent Events), through
/// <see cref="ConverseFlow"/>: a chat.completion, or chat.completion.chunk events ending with [DONE] (or with an error
/// event and no [DONE], so that no client mistakes a cut answer for a whole one).</summary>
public sealed class ChatCompletions(ConverseFlow flow, TimeProvider time)
    : ConverseFunction<ChatCompletionRequest>(flow, "chat.completions", OpenAiJsonContext.Default.ChatCompletionRequest)
{
    public override async Task<IConverseAnswer> TranslateAsync(ChatCompletionRequest request, Func<ChatCompletionRequest, Task> prepare, ModelResolver models)
    {
        await prepare(request).ConfigureAwait(false);
        return new Answer(ChatRequestTranslator.Translate(request, models), time);
    }

    private sealed class Answer(ChatTranslation call, TimeProvider time) : IConverseAnswer
    {
        public ChatTranslation Call => call;

        public Completion Complete(ConverseResponse response, bool log)
        {
            var completion = ChatResponseTranslator.Translate(response, call, Ids.ChatCompletion(), time.GetUtcNow().ToUnixTimeSeconds());
            return Completion.Of(completion, OpenAiJsonContext.Wire.ChatCompletion, TokenCounts.Of(completion.Usage) with { Tier = completion.ServiceTier }, log ? PromptAnswer.Of(completion) : null);
        }

        public IStreamAnswer Stream(ServerSentEvents sse, bool log) =>
            new Chunks(new ChatStreamTranslator(call, Ids.ChatCompletion(), time.GetUtcNow().ToUnixTimeSeconds()), sse, log ? new PromptAnswer() : null);
    }

    private sealed class Chunks(ChatStreamTranslator translator, ServerSentEvents sse, PromptAnswer? answer) : IStreamAnswer
    {
        public bool Finished => translator.Finished;

        public TokenCounts Tokens => TokenCounts.Of(translator.Usage) with { Tier = translator.ServiceTier };

        public void Start()
        {
        }

        public void Write(ConverseStreamEvent streamEvent)
        {
            foreach (var chunk in translator.Translate(streamEvent))
            {
                sse.Write(chunk, OpenAiJsonContext.Wire.ChatCompletionChunk);
                answer?.Add(chunk);
            }
        }

        public PromptAnswer? End(OpenAiError? failure)
        {
            if (failure is null)
            {
                sse.WriteDone();
                return answer;
            }

            sse.WriteError(failure);
            answer?.Error = failure.Code;
            return answer;
        }
    }
}
