using System.Diagnostics.Metrics;

namespace BedrockNovaProxy.Limits;

/// <summary>What the shared limits count: store failures (each one means this process serves on its own limits, or
/// refuses, until the store is tried again), budget thresholds crossed, usage rows written. OpenTelemetry instruments;
/// the store failures are logged too, without keys or prompts.</summary>
public sealed partial class LimitsMetrics(ILogger<LimitsMetrics> logger)
{
    public const string Name = "BedrockNovaProxy.Limits";

    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> StoreFailures = Meter.CreateCounter<long>("bnp.limits.store.failures", "{failure}", "Calls to the shared limits store that failed or timed out.");
    private static readonly Counter<long> ThresholdsCrossed = Meter.CreateCounter<long>("bnp.limits.budget.threshold_crossed", "{budget}", "Budgets that passed their warning share in a window.");
    private static readonly Counter<long> UsageRows = Meter.CreateCounter<long>("bnp.limits.usage.rows", "{row}", "Usage rows written to the store.");

    private long _failures;

    /// <summary>Store failures since the process started (the tests and the first lines of the AppHost read it).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public void StoreFailed(Exception error)
    {
        Interlocked.Increment(ref _failures);
        StoreFailures.Add(1);
        LogStoreFailure(logger, error.GetType().Name, error.Message);
    }

    public void ThresholdCrossed(string scope, string unit, string period) =>
        ThresholdsCrossed.Add(1, new KeyValuePair<string, object?>("scope", scope), new("unit", unit), new("period", period));

    public static void UsageWritten(int rows) => UsageRows.Add(rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared limits store failed ({Error}: {Reason}); per-process limits or refusals until it is tried again")]
    private static partial void LogStoreFailure(ILogger logger, string error, string reason);
}
