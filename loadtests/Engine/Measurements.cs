using HdrHistogram;

namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>Latency percentiles of one metric, in milliseconds.</summary>
public sealed record Percentiles(long Count, double Mean, double P50, double P75, double P95, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, 0, 0, 0, 0, 0, 0);

    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0 ? Empty : new(
        histogram.TotalCount,
        Ms(histogram.GetMean()),
        Ms(histogram.GetValueAtPercentile(50)),
        Ms(histogram.GetValueAtPercentile(75)),
        Ms(histogram.GetValueAtPercentile(95)),
        Ms(histogram.GetValueAtPercentile(99)),
        Ms(histogram.GetMaxValue()));

    private static double Ms(double microseconds) => Math.Round(microseconds / 1000, 3);
}

/// <summary>One second of a run, for the charts over time: requests and errors, latency, time to first token.</summary>
public sealed record Interval(int Second, long Requests, long Errors, double P50, double P99, double TtftP95 = 0);

/// <summary>Thread-safe recording of a scenario's results: latency from the intended start (what gates),
/// service time from the actual send, time to first token, gaps between chunks, status codes, and per-second
/// intervals. HdrHistogram at 3 significant digits, microseconds, up to 10 minutes (as NBomber records).</summary>
public sealed class Measurements
{
    private const long Highest = 10L * 60 * 1_000_000;
    private readonly Lock _lock = new();
    private readonly LongHistogram _latency = New();
    private readonly LongHistogram _serviceTime = New();
    private readonly LongHistogram _ttft = New();
    private readonly LongHistogram _gaps = New();
    private readonly SortedDictionary<int, (long Requests, long Errors, LongHistogram Latency, LongHistogram Ttft)> _intervals = [];
    private readonly Dictionary<string, long> _statuses = [];
    private readonly Dictionary<string, long> _errors = [];
    private long _ok, _failed, _dropped;

    public void Record(TimeSpan sinceStart, TimeSpan latency, TimeSpan serviceTime, StepResult result)
    {
        lock (_lock)
        {
            var status = result.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            var second = (int)sinceStart.TotalSeconds;
            var interval = _intervals.TryGetValue(second, out var found) ? found : (0, 0, New(), New());
            interval.Requests++;
            if (result.Ok)
            {
                _ok++;
                _latency.RecordValue(Micros(latency));
                _serviceTime.RecordValue(Micros(serviceTime));
                interval.Latency.RecordValue(Micros(latency));
                if (result.TimeToFirstToken is { } ttft)
                {
                    _ttft.RecordValue(Micros(ttft));
                    interval.Ttft.RecordValue(Micros(ttft));
                }

                foreach (var gap in result.Gaps ?? [])
                {
                    _gaps.RecordValue(Micros(gap));
                }
            }
            else
            {
                _failed++;
                interval.Errors++;
                var key = result.Error is { Length: > 0 } e ? e[..Math.Min(e.Length, 120)] : status;
                _errors[key] = _errors.GetValueOrDefault(key) + 1;
            }

            _intervals[second] = interval;
        }
    }

    /// <summary>A request the schedule called for but the in-flight cap refused: counted as a failure, never hidden.</summary>
    public void Dropped()
    {
        lock (_lock)
        {
            _dropped++;
        }
    }

    public ScenarioStats Snapshot(string name, TimeSpan duration)
    {
        lock (_lock)
        {
            var total = _ok + _failed + _dropped;
            return new ScenarioStats(
                name, duration.TotalSeconds, _ok, _failed, _dropped,
                total == 0 ? 0 : (double)(_failed + _dropped) / total,
                duration.TotalSeconds > 0 ? Math.Round(_ok / duration.TotalSeconds, 2) : 0,
                Percentiles.Of(_latency), Percentiles.Of(_serviceTime), Percentiles.Of(_ttft), Percentiles.Of(_gaps),
                new Dictionary<string, long>(_statuses), new Dictionary<string, long>(_errors),
                [.. _intervals.Select(kv => new Interval(kv.Key, kv.Value.Requests, kv.Value.Errors,
                    Percentiles.Of(kv.Value.Latency).P50, Percentiles.Of(kv.Value.Latency).P99, Percentiles.Of(kv.Value.Ttft).P95))]);
        }
    }

    private static LongHistogram New() => new(Highest, 3);

    private static long Micros(TimeSpan value) => Math.Clamp((long)(value.Ticks / 10), 1, Highest);
}

/// <summary>What a scenario did: counts, rates and percentiles (milliseconds). Latency is measured from each
/// request's intended start; ServiceTime from its actual send (the two differ when the client queued).</summary>
public sealed record ScenarioStats(
    string Name,
    double DurationSeconds,
    long Ok,
    long Failed,
    long Dropped,
    double ErrorRate,
    double Throughput,
    Percentiles Latency,
    Percentiles ServiceTime,
    Percentiles TimeToFirstToken,
    Percentiles ChunkGaps,
    IReadOnlyDictionary<string, long> StatusCodes,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyList<Interval> Intervals);
