using System.Text.Json;
using System.Text.Json.Serialization;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Reports;

/// <summary>Everything a gate run decided and measured: the input to the JSON, Markdown and HTML reports.</summary>
public sealed record RunReport(
    string Target,
    string Scenario,
    string Load,
    DateTimeOffset StartedAt,
    ScenarioStats Stats,
    IReadOnlyList<ThresholdResult> Thresholds,
    IReadOnlyList<BaselineComparison>? Baseline = null)
{
    public bool Passed => Thresholds.All(t => t.Passed);

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The statistics of a report.json this class wrote (a baseline run's).</summary>
    /// <exception cref="JsonException">The file is not such a report.</exception>
    public static ScenarioStats ReadStats(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("report", out var report) && report.TryGetProperty("stats", out var stats)
            ? stats.Deserialize<ScenarioStats>(Options) ?? throw new JsonException("report.stats is null")
            : throw new JsonException("no report.stats in it");
    }

    public string ToJson() => JsonSerializer.Serialize(new { passed = Passed, report = this }, Options);

    /// <summary>Writes report.json, report.md and report.html into <paramref name="folder"/>.</summary>
    public async Task WriteAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.json"), ToJson());
        await File.WriteAllTextAsync(Path.Combine(folder, "report.md"), MarkdownReport.Render(this));
        await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), HtmlReport.Render(this));
    }
}
