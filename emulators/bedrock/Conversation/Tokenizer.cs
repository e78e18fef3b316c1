using System.Text.RegularExpressions;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>A deterministic stand-in for a model tokenizer: a word or a single punctuation mark is one token.
/// Exact counts let tests assert usage; real tokenizers differ, which no test depends on.</summary>
public static partial class Tokenizer
{
    public static int Count(string text) => TokenPattern().Count(text);

    /// <summary>Splits text into pieces that each end with one token and carry the whitespace before it, so the
    /// pieces concatenate back to the text (with any trailing whitespace on the last piece).</summary>
    public static List<string> Pieces(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        foreach (Match match in TokenPattern().Matches(text))
        {
            var end = match.Index + match.Length;
            pieces.Add(text[start..end]);
            start = end;
        }

        if (start < text.Length)
        {
            if (pieces.Count == 0)
            {
                pieces.Add(text[start..]);
            }
            else
            {
                pieces[^1] += text[start..];
            }
        }

        return pieces;
    }

    /// <summary>The first <paramref name="tokens"/> tokens of <paramref name="text"/>.</summary>
    public static string Truncate(string text, int tokens) => string.Concat(Pieces(text).Take(tokens)).TrimEnd();

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex TokenPattern();
}
