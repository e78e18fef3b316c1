namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>One measure of this run against the baseline run's (the last report that promoted prod): the change in
/// percent, positive when worse, and whether it stays within the allowed regression (null: not gated, only shown).</summary>
public sealed record BaselineComparison(string Name, double Baseline, double Actual, double WorsePercent, bool? Passed);

/// <summary>This run set against a baseline run. Latency and time to first token are worse when higher, throughput
/// when lower, each in percent of the baseline's; the error rate in points of a percent (0.5% -> 1.5% is 1 point:
/// a percentage of a near-zero rate would fail on one stray error). A measure the baseline did not take (no streams,
/// so no time to first token) is left out. Pure.</summary>
public static class Regression
{
    public static IReadOnlyList<BaselineComparison> Compare(ScenarioStats baseline, ScenarioStats run, double? maxRegressionPercent)
    {
        var rows = new List<BaselineComparison>();
        void Add(string name, double before, double now, bool higherIsWorse)
        {
            if (before <= 0)
            {
                return;
            }

            var worse = Math.Round((higherIsWorse ? now - before : before - now) / before * 100, 1);
            rows.Add(new BaselineComparison(name, before, now, worse, maxRegressionPercent is { } max ? worse <= max : null));
        }

        Add("latency p95 (ms)", baseline.Latency.P95, run.Latency.P95, higherIsWorse: true);
        Add("latency p99 (ms)", baseline.Latency.P99, run.Latency.P99, higherIsWorse: true);
        if (run.TimeToFirstToken.Count > 0)
        {
            Add("time to first token p95 (ms)", baseline.TimeToFirstToken.P95, run.TimeToFirstToken.P95, higherIsWorse: true);
        }

        Add("throughput (req/s)", baseline.Throughput, run.Throughput, higherIsWorse: false);
        var points = Math.Round((run.ErrorRate - baseline.ErrorRate) * 100, 2);
        rows.Add(new BaselineComparison("error rate (points of %)", baseline.ErrorRate, run.ErrorRate, points, maxRegressionPercent is { } m ? points <= m : null));
        return rows;
    }

    /// <summary>The gated comparisons as thresholds, so they decide the run as the others do.</summary>
    public static IEnumerable<ThresholdResult> AsThresholds(IEnumerable<BaselineComparison> comparisons, double maxRegressionPercent) =>
        comparisons.Where(c => c.Passed is not null)
            .Select(c => new ThresholdResult($"{c.Name} regression vs baseline (%)", "<=", maxRegressionPercent, c.WorsePercent, c.Passed!.Value));
}
