using System.Globalization;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>Per-request instructions hidden in the prompt as [[name:value]], so a test can make the emulator
/// fail, slow down or answer at a given length for one request, exactly:
/// [[fault:throttle]] (and model-timeout, internal, unavailable, access-denied, not-ready, model-error,
/// validation, hang, midstream, any of them with "-once" to fail only a request's first attempt, midstream-throttle, midstream-internal, midstream-unavailable, midstream-validation),
/// [[latency:ttft=200,tps=50]] (milliseconds, tokens per second), [[tokens:120]] (answer length),
/// [[stop:content_filtered]] or [[stop:guardrail_intervened]], [[cached:N]] (prompt-cache read tokens).</summary>
public sealed partial record Markers(
    string? Fault,
    TimeSpan? TimeToFirstToken,
    double? TokensPerSecond,
    int? Tokens,
    string? Stop,
    int? CachedTokens)
{
    public static readonly Markers None = new(null, null, null, null, null, null);

    public static Markers Parse(string text)
    {
        var markers = None;
        foreach (Match match in MarkerPattern().Matches(text))
        {
            var value = match.Groups[2].Value;
            markers = match.Groups[1].Value switch
            {
                "fault" => markers with { Fault = value },
                "tokens" => markers with { Tokens = Int(value) },
                "stop" => markers with { Stop = value },
                "cached" => markers with { CachedTokens = Int(value) },
                "latency" => ParseLatency(markers, value),
                _ => markers,
            };
        }

        return markers;
    }

    /// <summary>The markers of a request: those in the text of its last message, its tool results' included.</summary>
    public static Markers Of(ConverseRequest request) => Parse(string.Join("\n", request.Messages[^1].Content.Select(b => b switch
    {
        TextBlock t => t.Text,
        ToolResultBlock r => r.Text,
        _ => "",
    })));

    /// <summary>The text without its markers, as the model would "see" it.</summary>
    public static string Strip(string text) => MarkerPattern().Replace(text, "").Trim();

    private static Markers ParseLatency(Markers markers, string value)
    {
        foreach (var setting in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var kv = setting.Split('=', 2);
            if (kv.Length != 2)
            {
                continue;
            }

            markers = kv[0] switch
            {
                "ttft" => markers with { TimeToFirstToken = TimeSpan.FromMilliseconds(Int(kv[1]) ?? 0) },
                "tps" => markers with { TokensPerSecond = double.TryParse(kv[1], CultureInfo.InvariantCulture, out var tps) ? tps : null },
                _ => markers,
            };
        }

        return markers;
    }

    private static int? Int(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex(@"\[\[(\w+):([^\]]*)\]\]")]
    private static partial Regex MarkerPattern();
}
