using BedrockNovaProxy.LoadTests.Engine;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.LoadTests.Gate;

/// <summary>The load gate of one customer environment: which scenario, at what load, within which thresholds.</summary>
public sealed record GateConfig(string Scenario, double Rate, TimeSpan Duration, GateThresholds Thresholds)
{
    public static readonly GateConfig Default = new("mix", 5, TimeSpan.FromSeconds(30), new GateThresholds());

    /// <summary>Reads the <c>gate:</c> section of a customer YAML (customers/&lt;name&gt;/&lt;env&gt;.yaml); keys left out
    /// keep the defaults above (documented in docs/loadtests.md). Pure apart from the text it is given.</summary>
    public static GateConfig FromCustomerYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("gate"), out var node) || node is not YamlMappingNode gate)
        {
            return Default;
        }

        var limits = Default.Thresholds;
        if (gate.Children.TryGetValue(new YamlScalarNode("thresholds"), out var t) && t is YamlMappingNode thresholds)
        {
            limits = new GateThresholds(
                Number(thresholds, "p50_ms") ?? limits.P50Ms,
                Number(thresholds, "p95_ms") ?? limits.P95Ms,
                Number(thresholds, "p99_ms") ?? limits.P99Ms,
                Number(thresholds, "ttft_p95_ms") ?? limits.TtftP95Ms,
                Number(thresholds, "max_error_rate") ?? limits.MaxErrorRate,
                Number(thresholds, "min_throughput_rps") ?? limits.MinThroughputRps);
        }

        return new GateConfig(
            Text(gate, "scenario") ?? Default.Scenario,
            Number(gate, "rate") ?? Default.Rate,
            Text(gate, "duration") is { } d ? ParseDuration(d) : Default.Duration,
            limits);
    }

    /// <summary>"90s", "2m", "500ms" or a TimeSpan ("00:01:30").</summary>
    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        double Value(int suffix) => double.Parse(text[..^suffix], System.Globalization.CultureInfo.InvariantCulture);
        return text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(Value(2)),
            _ when text.EndsWith('s') => TimeSpan.FromSeconds(Value(1)),
            _ when text.EndsWith('m') => TimeSpan.FromMinutes(Value(1)),
            _ when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) => span,
            _ => throw new FormatException($"'{text}' is not a duration (examples: 500ms, 30s, 2m)."),
        };
    }

    private static string? Text(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    private static double? Number(YamlMappingNode map, string key) => Text(map, key) is { } s
        ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
        : null;
}
