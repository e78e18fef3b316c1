using System.Globalization;
using System.Net;
using System.Text;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Reports;

/// <summary>A self-contained HTML report: the Markdown's tables plus two inline SVG charts (latency over time,
/// percentiles), no scripts or network. Pure.</summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        var s = report.Stats;
        var html = new StringBuilder()
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Load gate</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append(".fail{color:#b00;font-weight:bold}.pass{color:#070}svg{border:1px solid #ddd;margin:0.5em 0}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Load gate: <span class=\"{(report.Passed ? "pass\">passed" : "fail\">FAILED")}</span></h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Target <code>{E(report.Target)}</code>, scenario <code>{E(report.Scenario)}</code>, {E(report.Load)}; ")
            .Append(CultureInfo.InvariantCulture, $"{s.Ok} ok, {s.Failed} failed, {s.Dropped} dropped, {s.Throughput} req/s.</p>")
            .Append("<table><tr><th>Threshold</th><th>Limit</th><th>Actual</th><th>Result</th></tr>");
        foreach (var t in report.Thresholds)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(t.Name)}</td><td>{t.Comparison} {t.Limit}</td><td>{t.Actual}</td><td class=\"{(t.Passed ? "pass\">pass" : "fail\">FAIL")}</td></tr>");
        }

        html.Append("</table><h2>Latency over time (ms)</h2>")
            .Append(LineChart(s.Intervals))
            .Append("<h2>Percentiles (ms)</h2>")
            .Append(BarChart([("p50", s.Latency.P50), ("p75", s.Latency.P75), ("p95", s.Latency.P95), ("p99", s.Latency.P99), ("max", s.Latency.Max)]))
            .Append("</body></html>");
        return html.ToString();
    }

    private static string LineChart(IReadOnlyList<Interval> intervals)
    {
        const int Width = 720, Height = 240, Pad = 40;
        if (intervals.Count == 0)
        {
            return "<p>No data.</p>";
        }

        var maxY = Math.Max(1, intervals.Max(i => i.P99));
        var maxX = Math.Max(1, intervals[^1].Second);
        string Points(Func<Interval, double> value) => string.Join(' ', intervals.Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{Pad + ((Width - (2 * Pad)) * i.Second / (double)maxX):F1},{Height - Pad - ((Height - (2 * Pad)) * value(i) / maxY):F1}")));
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg width="{Width}" height="{Height}" xmlns="http://www.w3.org/2000/svg">
            <line x1="{Pad}" y1="{Height - Pad}" x2="{Width - Pad}" y2="{Height - Pad}" stroke="#999"/><line x1="{Pad}" y1="{Pad}" x2="{Pad}" y2="{Height - Pad}" stroke="#999"/>
            <text x="4" y="{Pad}" font-size="11">{maxY:F0}</text><text x="{Width - Pad}" y="{Height - 10}" font-size="11">{maxX}s</text>
            <polyline fill="none" stroke="#36c" stroke-width="2" points="{Points(i => i.P50)}"/><polyline fill="none" stroke="#c33" stroke-width="2" points="{Points(i => i.P99)}"/>
            <text x="{Width - 120}" y="20" font-size="12" fill="#36c">p50</text><text x="{Width - 80}" y="20" font-size="12" fill="#c33">p99</text>
            </svg>
            """);
    }

    private static string BarChart(IReadOnlyList<(string Label, double Value)> bars)
    {
        const int Width = 720, BarHeight = 24;
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
