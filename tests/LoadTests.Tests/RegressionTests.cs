using BedrockNovaProxy.Customers;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Gate;
using BedrockNovaProxy.LoadTests.Reports;

namespace BedrockNovaProxy.LoadTests.Tests;

/// <summary>A run set against the baseline (the report that last promoted prod): which measures regress past
/// gate.thresholds.max_regression_percent, as a table; and the baseline read back from the report.json a run wrote.</summary>
public class RegressionTests
{
    private static ScenarioStats Stats(double p95, double p99, double ttft95, double errorRate, double rps) =>
        new("s", 10, 100, 0, 0, errorRate, rps, new Percentiles(100, p95 / 2, p95 / 2, p95 / 2, p95, p99, p99), Percentiles.Empty,
            ttft95 > 0 ? new Percentiles(100, ttft95, ttft95, ttft95, ttft95, ttft95, ttft95) : Percentiles.Empty, Percentiles.Empty,
            new Dictionary<string, long> { ["200"] = 100 }, new Dictionary<string, long>(), [new Interval(0, 10, 0, 100, 200, ttft95)]);

    private static readonly ScenarioStats Baseline = Stats(p95: 200, p99: 400, ttft95: 100, errorRate: 0.005, rps: 10);

    public static TheoryData<string, ScenarioStats, string[]> Cases => new()
    {
        // name, this run, the measures that fail at 10% (every other one passes)
        { "the same run", Baseline, [] },
        { "p95 10% slower: at the limit", Stats(220, 400, 100, 0.005, 10), [] },
        { "p95 10.5% slower", Stats(221, 400, 100, 0.005, 10), ["latency p95 (ms)"] },
        { "p99 doubled", Stats(200, 800, 100, 0.005, 10), ["latency p99 (ms)"] },
        { "first token slower", Stats(200, 400, 125, 0.005, 10), ["time to first token p95 (ms)"] },
        { "throughput down 20%", Stats(200, 400, 100, 0.005, 8), ["throughput (req/s)"] },
        { "throughput up, latency down: better is never a failure", Stats(100, 200, 50, 0, 20), [] },
        { "error rate up 10.5 points", Stats(200, 400, 100, 0.11, 10), ["error rate (points of %)"] },
        { "error rate up 9.5 points", Stats(200, 400, 100, 0.1, 10), [] },
        { "everything worse", Stats(300, 600, 200, 0.2, 5), ["latency p95 (ms)", "latency p99 (ms)", "time to first token p95 (ms)", "throughput (req/s)", "error rate (points of %)"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fails_exactly_the_measures_that_regress_past_the_limit(string name, ScenarioStats run, string[] failing)
    {
        var comparisons = Regression.Compare(Baseline, run, maxRegressionPercent: 10);

        Assert.True(failing.SequenceEqual(comparisons.Where(c => c.Passed == false).Select(c => c.Name)), name + ": " + string.Join("; ", comparisons));
        Assert.Equal(failing.Length, Regression.AsThresholds(comparisons, 10).Count(t => !t.Passed));
    }

    [Fact]
    public void Without_a_limit_the_comparison_is_shown_and_decides_nothing()
    {
        var comparisons = Regression.Compare(Baseline, Stats(400, 800, 200, 0.5, 1), maxRegressionPercent: null);

        Assert.All(comparisons, c => Assert.Null(c.Passed));
        Assert.Empty(Regression.AsThresholds(comparisons, 10));
        Assert.Equal(100, comparisons.Single(c => c.Name == "latency p95 (ms)").WorsePercent);
        Assert.Equal(90, comparisons.Single(c => c.Name == "throughput (req/s)").WorsePercent);
    }

    [Fact]
    public void A_measure_the_baseline_did_not_take_is_left_out()
    {
        var noStreams = Stats(200, 400, 0, 0.005, 10);

        var comparisons = Regression.Compare(noStreams, Stats(200, 400, 500, 0.005, 10), maxRegressionPercent: 10);

        Assert.DoesNotContain(comparisons, c => c.Name.StartsWith("time to first token", StringComparison.Ordinal));
        Assert.All(comparisons, c => Assert.True(c.Passed));
    }

    [Fact]
    public async Task The_baseline_is_read_back_from_a_report_a_run_wrote_and_shown_beside_the_charts()
    {
        var folder = Directory.CreateTempSubdirectory("gate-baseline-").FullName;
        try
        {
            await new RunReport("http://127.0.0.1:1/", "mix", "5 req/s for 10 s", DateTimeOffset.UnixEpoch, Baseline, []).WriteAsync(folder);
            var read = RunReport.ReadStats(Path.Combine(folder, "report.json"));
            var run = Stats(300, 400, 100, 0.005, 10);
            var comparisons = Regression.Compare(read, run, 10);
            var report = new RunReport("http://127.0.0.1:1/", "mix", "5 req/s for 10 s", DateTimeOffset.UnixEpoch, run, [.. Regression.AsThresholds(comparisons, 10)], comparisons);

            Assert.Equal((Baseline.Latency, Baseline.Throughput, Baseline.ErrorRate), (read.Latency, read.Throughput, read.ErrorRate));
            Assert.Equal(Baseline.Intervals, read.Intervals);
            var html = HtmlReport.Render(report);
            Assert.Contains("Against the baseline", html, StringComparison.Ordinal);
            Assert.Contains("Throughput and errors over time", html, StringComparison.Ordinal);
            Assert.Contains("Time to first token over time", html, StringComparison.Ordinal);
            Assert.Contains("Status codes", html, StringComparison.Ordinal);
            Assert.Contains("| latency p95 (ms) | 200 | 300 | 50 | **FAIL** |", MarkdownReport.Render(report), StringComparison.Ordinal);
            Assert.False(report.Passed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Reads_the_limit_from_the_customer_file()
    {
        var gate = GateConfig.From(new GateSection { Thresholds = new GateThresholdsSection { MaxRegressionPercent = 15 } });

        Assert.Equal(15, gate.Thresholds.MaxRegressionPercent);
        Assert.Null(GateConfig.Default.Thresholds.MaxRegressionPercent);
    }

    [Fact]
    public void A_file_that_is_not_a_report_is_refused() =>
        Assert.Throws<System.Text.Json.JsonException>(() =>
        {
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, """{"passed":true}""");
                RunReport.ReadStats(file);
            }
            finally
            {
                File.Delete(file);
            }
        });
}
