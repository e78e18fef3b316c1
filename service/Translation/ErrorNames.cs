using System.Text.RegularExpressions;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>How the chat completions translator's field names read in another API's terms. A Responses request is
/// validated by the same chat translator (one set of rules for both endpoints), but its client must be told about
/// 'input[2].content[0].image_url', not 'messages[3].content[0].image_url.url'. Names map by longest prefix on
/// segment boundaries: "messages[3]" -> "input[2]" also maps "messages[3].content[0].text". Pure.</summary>
public sealed partial class ErrorNames
{
    /// <summary>Names that differ between the two APIs wherever they appear in a message, quoted or not.</summary>
    private static readonly (string Chat, string Other)[] Words =
    [
        ("/v1/chat/completions", "/v1/responses"),
        ("max_completion_tokens", "max_output_tokens"),
        ("reasoning_effort", "reasoning.effort"),
        ("response_format", "text.format"),
    ];

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Says that the chat field <paramref name="chat"/> (and everything under it) is <paramref name="other"/>.</summary>
    public void Add(string chat, string other) => _names[chat] = other;

    public string Param(string chat)
    {
        for (var end = chat.Length; end > 0; end = chat.LastIndexOfAny(['.', '['], end - 1))
        {
            if (_names.TryGetValue(chat[..end], out var other))
            {
                return other + chat[end..];
            }
        }

        return chat;
    }

    /// <summary>The same error, its param and every quoted field name in its message in the other API's names.</summary>
    public OpenAiError Rename(OpenAiError error)
    {
        var message = QuotedField().Replace(error.Message, m => $"'{Param(m.Groups[1].Value)}'");
        foreach (var (chat, other) in Words)
        {
            message = message.Replace(chat, other, StringComparison.Ordinal);
        }

        return error with { Param = error.Param is { } param ? Param(param) : null, Message = message };
    }

    [GeneratedRegex(@"'((?:messages|tools|tool_choice|response_format|max_completion_tokens|reasoning_effort)(?:[.\[][^']*)?)'")]
    private static partial Regex QuotedField();
}
