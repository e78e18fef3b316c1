using System.Globalization;
using System.Text;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Reports;

/// <summary>The report as Markdown, for the GitHub job summary and pull-request comments. Pure.</summary>
public static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        var s = report.Stats;
        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"## Load gate: {(report.Passed ? "passed" : "FAILED")}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Target `{report.Target}`, scenario `{report.Scenario}`, {report.Load}, started {report.StartedAt:u}.")
            .AppendLine()
            .AppendLine("| Threshold | Limit | Actual | Result |")
            .AppendLine("|---|---|---|---|");
        foreach (var t in report.Thresholds)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Comparison} {t.Limit} | {t.Actual} | {(t.Passed ? "pass" : "**FAIL**")} |");
        }

        if (report.Baseline is { } baseline)
        {
            md.AppendLine().AppendLine("Against the baseline (the run that last promoted prod; positive is worse):").AppendLine()
                .AppendLine("| Measure | Baseline | This run | Worse by | Result |")
                .AppendLine("|---|---|---|---|---|");
            foreach (var c in baseline)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {c.Baseline} | {c.Actual} | {c.WorsePercent} | {(c.Passed switch { true => "pass", false => "**FAIL**", null => "shown" })} |");
            }
        }

        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{s.Ok} ok, {s.Failed} failed, {s.Dropped} dropped in {s.DurationSeconds:F1} s ({s.Throughput} req/s ok).")
            .AppendLine()
            .AppendLine("| ms | mean | p50 | p75 | p95 | p99 | max |")
            .AppendLine("|---|---|---|---|---|---|---|");
        Row(md, "latency (from intended start)", s.Latency);
        Row(md, "service time (from send)", s.ServiceTime);
        Row(md, "time to first token", s.TimeToFirstToken);
        Row(md, "gap between chunks", s.ChunkGaps);
        if (s.Errors.Count > 0)
        {
            md.AppendLine().AppendLine("Errors: " + string.Join(", ", s.Errors.OrderByDescending(e => e.Value).Select(e => $"`{e.Key}` x{e.Value}")));
        }

        md.AppendLine().AppendLine("Status codes: " + string.Join(", ", s.StatusCodes.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")));
        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, Percentiles p)
    {
        if (p.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {p.Mean} | {p.P50} | {p.P75} | {p.P95} | {p.P99} | {p.Max} |");
        }
    }
}
