using System.Globalization;
using System.Net;
using System.Text;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Reports;

/// <summary>A self-contained HTML report: the verdicts, the run against the baseline, and inline SVG charts side by
/// side (latency, throughput and errors, time to first token over time; status codes; percentiles), no scripts or
/// network. Pure.</summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        var s = report.Stats;
        var html = new StringBuilder()
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Load gate</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append(".fail{color:#b00;font-weight:bold}.pass{color:#070}svg{border:1px solid #ddd;margin:0.5em 0}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:1em}.grid>div{flex:1 1 480px}h2{font-size:1.1em}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Load gate: <span class=\"{(report.Passed ? "pass\">passed" : "fail\">FAILED")}</span></h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Target <code>{E(report.Target)}</code>, scenario <code>{E(report.Scenario)}</code>, {E(report.Load)}; ")
            .Append(CultureInfo.InvariantCulture, $"{s.Ok} ok, {s.Failed} failed, {s.Dropped} dropped, {s.Throughput} req/s.</p>")
            .Append("<table><tr><th>Threshold</th><th>Limit</th><th>Actual</th><th>Result</th></tr>");
        foreach (var t in report.Thresholds)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(t.Name)}</td><td>{t.Comparison} {t.Limit}</td><td>{t.Actual}</td><td class=\"{(t.Passed ? "pass\">pass" : "fail\">FAIL")}</td></tr>");
        }

        html.Append("</table>");
        if (report.Baseline is { } baseline)
        {
            html.Append("<h2>Against the baseline (the run that last promoted prod; positive is worse)</h2><table><tr><th>Measure</th><th>Baseline</th><th>This run</th><th>Worse by</th><th>Result</th></tr>");
            foreach (var c in baseline)
            {
                var verdict = c.Passed switch { true => "<td class=\"pass\">pass</td>", false => "<td class=\"fail\">FAIL</td>", null => "<td>shown</td>" };
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Name)}</td><td>{c.Baseline}</td><td>{c.Actual}</td><td>{c.WorsePercent}</td>{verdict}</tr>");
            }

            html.Append("</table>");
        }

        html.Append("<div class=\"grid\"><div><h2>Latency over time (ms)</h2>")
            .Append(LineChart(s.Intervals, ("p50", "#36c", i => i.P50), ("p99", "#c33", i => i.P99)))
            .Append("</div><div><h2>Throughput and errors over time (per second)</h2>")
            .Append(LineChart(s.Intervals, ("requests", "#393", i => i.Requests), ("errors", "#c33", i => i.Errors)))
            .Append("</div><div><h2>Time to first token over time (p95, ms)</h2>")
            .Append(s.TimeToFirstToken.Count > 0 ? LineChart(s.Intervals, ("ttft p95", "#939", i => i.TtftP95)) : "<p>No streamed request.</p>")
            .Append("</div><div><h2>Status codes</h2>")
            .Append(BarChart([.. s.StatusCodes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, (double)c.Value))]))
            .Append("</div><div><h2>Latency percentiles (ms)</h2>")
            .Append(BarChart([("p50", s.Latency.P50), ("p75", s.Latency.P75), ("p95", s.Latency.P95), ("p99", s.Latency.P99), ("max", s.Latency.Max)]))
            .Append("</div></div></body></html>");
        return html.ToString();
    }

    private static string LineChart(IReadOnlyList<Interval> intervals, params (string Label, string Colour, Func<Interval, double> Value)[] series)
    {
        const int Width = 720, Height = 240, Pad = 40;
        if (intervals.Count == 0)
        {
            return "<p>No data.</p>";
        }

        var maxY = Math.Max(1, series.Max(l => intervals.Max(l.Value)));
        var maxX = Math.Max(1, intervals[^1].Second);
        var lines = string.Concat(series.Select((l, n) => string.Create(CultureInfo.InvariantCulture,
            $"<polyline fill=\"none\" stroke=\"{l.Colour}\" stroke-width=\"2\" points=\"{Points(l.Value)}\"/><text x=\"{Width - Pad - (90 * (series.Length - n))}\" y=\"20\" font-size=\"12\" fill=\"{l.Colour}\">{E(l.Label)}</text>")));
        string Points(Func<Interval, double> value) => string.Join(' ', intervals.Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{Pad + ((Width - (2 * Pad)) * i.Second / (double)maxX):F1},{Height - Pad - ((Height - (2 * Pad)) * value(i) / maxY):F1}")));
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg width="{Width}" height="{Height}" xmlns="http://www.w3.org/2000/svg">
            <line x1="{Pad}" y1="{Height - Pad}" x2="{Width - Pad}" y2="{Height - Pad}" stroke="#999"/><line x1="{Pad}" y1="{Pad}" x2="{Pad}" y2="{Height - Pad}" stroke="#999"/>
            <text x="4" y="{Pad}" font-size="11">{maxY:F0}</text><text x="{Width - Pad}" y="{Height - 10}" font-size="11">{maxX}s</text>
            {lines}
            </svg>
            """);
    }

    private static string BarChart(IReadOnlyList<(string Label, double Value)> bars)
    {
        const int Width = 720, BarHeight = 24;
        if (bars.Count == 0)
        {
            return "<p>No data.</p>";
        }

        var max = Math.Max(1, bars.Max(b => b.Value));
        var svg = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"<svg width=\"{Width}\" height=\"{(bars.Count * (BarHeight + 6)) + 10}\" xmlns=\"http://www.w3.org/2000/svg\">"));
        for (var i = 0; i < bars.Count; i++)
        {
            var y = 5 + (i * (BarHeight + 6));
            var w = (Width - 160) * bars[i].Value / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + 16}\" font-size=\"12\">{bars[i].Label}</text><rect x=\"50\" y=\"{y}\" width=\"{w:F1}\" height=\"{BarHeight}\" fill=\"#6a9\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{55 + w:F1}\" y=\"{y + 16}\" font-size=\"12\">{bars[i].Value}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
