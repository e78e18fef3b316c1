namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>The limits a run must stay within. Null means "not checked". Latencies in milliseconds.</summary>
public sealed record GateThresholds(
    double? P50Ms = 2000,
    double? P95Ms = 5000,
    double? P99Ms = 10000,
    double? TtftP95Ms = 3000,
    double? MaxErrorRate = 0.01,
    double? MinThroughputRps = null,
    double? MaxRegressionPercent = null);

/// <summary>One threshold's verdict, with the numbers that decided it.</summary>
public sealed record ThresholdResult(string Name, string Comparison, double Limit, double Actual, bool Passed)
{
    public override string ToString() => $"{Name} {Comparison} {Limit}: {Actual} {(Passed ? "pass" : "FAIL")}";
}

/// <summary>Evaluates thresholds on a run's statistics. Pure.</summary>
public static class Thresholds
{
    public static IReadOnlyList<ThresholdResult> Evaluate(GateThresholds limits, ScenarioStats stats)
    {
        var results = new List<ThresholdResult>();
        void AtMost(string name, double? limit, double actual)
        {
            if (limit is { } l)
            {
                results.Add(new ThresholdResult(name, "<=", l, actual, actual <= l));
            }
        }

        AtMost("latency p50 (ms)", limits.P50Ms, stats.Latency.P50);
        AtMost("latency p95 (ms)", limits.P95Ms, stats.Latency.P95);
        AtMost("latency p99 (ms)", limits.P99Ms, stats.Latency.P99);
        if (stats.TimeToFirstToken.Count > 0)
        {
            AtMost("time to first token p95 (ms)", limits.TtftP95Ms, stats.TimeToFirstToken.P95);
        }

        AtMost("error rate", limits.MaxErrorRate, Math.Round(stats.ErrorRate, 4));
        if (limits.MinThroughputRps is { } min)
        {
            results.Add(new ThresholdResult("throughput (req/s)", ">=", min, stats.Throughput, stats.Throughput >= min));
        }

        if (stats.Ok == 0)
        {
            // A run with no successful request proves nothing, whatever the percentiles of an empty histogram say.
            results.Add(new ThresholdResult("successful requests", ">=", 1, 0, false));
        }

        return results;
    }
}
