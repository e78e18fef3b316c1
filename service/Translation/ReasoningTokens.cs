using System.Text;

namespace BedrockNovaProxy.Translation;

/// <summary>An estimate of <c>usage.completion_tokens_details.reasoning_tokens</c>. Bedrock's Converse usage has no
/// reasoning count (TokenUsage is input, output, total and cache tokens): reasoning is billed inside outputTokens.
/// So the answer is tallied as it passes (text, tool-call arguments, reasoning) and outputTokens is shared out:
/// <list type="bullet">
/// <item>readable reasoning text: by its share of the output's characters;</item>
/// <item>redacted reasoning (Nova 2 Lite returns "[REDACTED]" but bills what it thought; or redactedContent): what
/// is left of outputTokens once the visible answer is counted at about 4 characters a token;</item>
/// <item>no reasoning block: 0.</item>
/// </list>
/// Never negative, never more than outputTokens. Pure; fed one block or delta at a time (streams too).</summary>
public sealed class ReasoningTokens
{
    public const string RedactedPlaceholder = "[REDACTED]";
    private const int CharsPerToken = 4;

    // Enough of the reasoning text to recognise the placeholder; a longer text is readable reasoning.
    private readonly StringBuilder _head = new();
    private bool _redactedContent;

    public long AnswerChars { get; private set; }

    public long ReasoningChars { get; private set; }

    public bool HasReasoning => ReasoningChars > 0 || _redactedContent;

    public bool Redacted => _redactedContent
        || (ReasoningChars > 0 && ReasoningChars <= 2 * RedactedPlaceholder.Length && _head.ToString().Trim() == RedactedPlaceholder);

    /// <summary>Visible output: answer text, or tool-call arguments (billed as output as well).</summary>
    public void Answer(string? text) => AnswerChars += text?.Length ?? 0;

    public void Reasoning(string? text, bool redactedContent = false)
    {
        _redactedContent |= redactedContent;
        if (text is { Length: > 0 })
        {
            ReasoningChars += text.Length;
            if (_head.Length <= 2 * RedactedPlaceholder.Length)
            {
                _head.Append(text);
            }
        }
    }

    /// <summary>The reasoning part of <paramref name="outputTokens"/> for what was tallied.</summary>
    public int Of(int outputTokens) => Estimate(outputTokens, HasReasoning, Redacted, ReasoningChars, AnswerChars);

    public static int Estimate(int outputTokens, bool hasReasoning, bool redacted, long reasoningChars, long answerChars)
    {
        if (!hasReasoning || outputTokens <= 0)
        {
            return 0;
        }

        if (redacted)
        {
            var answerTokens = (answerChars + CharsPerToken - 1) / CharsPerToken;
            return (int)Math.Clamp(outputTokens - answerTokens, 0, outputTokens);
        }

        var total = reasoningChars + answerChars;
        return total == 0 ? 0 : (int)Math.Round((double)outputTokens * reasoningChars / total, MidpointRounding.AwayFromZero);
    }
}
