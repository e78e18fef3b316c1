using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>Converse response -> OpenAI chat completion. Pure.</summary>
public static class ChatResponseTranslator
{
    public static ChatCompletion Translate(ConverseResponse response, ChatTranslation call, string id, long created)
    {
        var blocks = response.Output?.Message?.Content ?? [];
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var toolCalls = new List<ResponseToolCall>();
        var annotations = new List<ChatAnnotation>();
        var lastText = 0;
        var tally = new ReasoningTokens();
        string? json = null;
        foreach (var block in blocks)
        {
            if (block.Text is { } t)
            {
                lastText = text.Length;
                text.Append(t);
                tally.Answer(t);
            }
            else if (block.CitationsContent is { } cited)
            {
                // The grounded text itself, cited; a block without text cites the text before it.
                var start = text.Length;
                foreach (var part in cited.Content ?? [])
                {
                    text.Append(part.Text);
                    tally.Answer(part.Text);
                }

                start = text.Length > start ? start : lastText;
                annotations.AddRange((cited.Citations ?? []).Select(c => BuiltInTools.Annotation(c, start, text.Length)).OfType<ChatAnnotation>());
                lastText = start;
            }
            else if (block.ReasoningContent is { } r)
            {
                reasoning.Append(r.ReasoningText?.Text);
                tally.Reasoning(r.ReasoningText?.Text, r.RedactedContent is not null);
            }
            else if (block.ToolUse is { } use && !BuiltInTools.IsServerSide(use.Name, use.Type))
            {
                tally.Answer(use.Input.GetRawText());
                if (use.Name == call.JsonTool)
                {
                    json = use.Input.GetRawText();
                }
                else
                {
                    toolCalls.Add(new ResponseToolCall
                    {
                        Id = use.ToolUseId,
                        Function = new ResponseFunctionCall { Name = use.Name, Arguments = use.Input.GetRawText() },
                    });
                }
            }
        }

        // response_format: the JSON the model handed its tool is the whole answer; preamble text is dropped.
        var content = json ?? (text.Length > 0 ? text.ToString() : null);
        var finish = FinishReasons.Map(response.StopReason, toolCalls.Count > 0);
        return new ChatCompletion
        {
            Id = id,
            Created = created,
            Model = call.Model.RequestedName,
            Choices =
            [
                new ChatChoice
                {
                    Index = 0,
                    Message = new AssistantMessage
                    {
                        Content = content,
                        ReasoningContent = reasoning.Length > 0 ? reasoning.ToString() : null,
                        ToolCalls = toolCalls.Count > 0 ? toolCalls : null,
                        Annotations = annotations.Count > 0 || BuiltInTools.Grounded(call.Request) ? annotations : null,
                    },
                    FinishReason = finish,
                },
            ],
            Usage = UsageOf(response.Usage, tally),
            ServiceTier = ServiceTierMapping.Reported(call.Request, response.ServiceTier),
        };
    }

    /// <summary>prompt_tokens counts everything read, cached or not (total - output, as Bedrock's totalTokens
    /// includes cache reads and writes); cached_tokens is the part served from the prompt cache; reasoning_tokens is
    /// estimated from the answer that was tallied (Bedrock does not report it).</summary>
    public static Usage UsageOf(TokenUsage? usage, ReasoningTokens? output = null)
    {
        usage ??= new TokenUsage();
        var prompt = Math.Max(usage.InputTokens, usage.TotalTokens - usage.OutputTokens);
        return new Usage
        {
            PromptTokens = prompt,
            CompletionTokens = usage.OutputTokens,
            TotalTokens = prompt + usage.OutputTokens,
            PromptTokensDetails = new InputTokensDetails { CachedTokens = usage.CacheReadInputTokens ?? 0 },
            CompletionTokensDetails = new OutputTokensDetails { ReasoningTokens = output?.Of(usage.OutputTokens) ?? 0 },
        };
    }
}
