using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Configuration;

/// <summary>What the proxy does when the shared store does not answer in time.</summary>
public enum StoreFailureMode
{
    /// <summary>Keep serving on per-process limits (each instance enforces the whole limit alone) until the store
    /// answers again; counted in the LimitsStoreFailures metric.</summary>
    Serve,

    /// <summary>Refuse limited requests with 503 limits_unavailable until the store answers again.</summary>
    Refuse,
}

/// <summary>Limits, budgets and usage shared by every instance of one customer environment, in one DynamoDB table
/// (section Proxy:SharedLimits). Without <see cref="Table"/> every limit is per process and no usage is stored.</summary>
public sealed class SharedLimitsOptions
{
    /// <summary>The DynamoDB table of this customer environment (partition key "pk", string; TTL on "expires").</summary>
    public string? Table { get; set; }

    /// <summary>Another DynamoDB endpoint (dynalite locally); none means the Region's own.</summary>
    public string? ServiceUrl { get; set; }

    public StoreFailureMode OnFailure { get; set; } = StoreFailureMode.Serve;

    /// <summary>Longest one store call may take before it counts as a failure: a request never waits longer on it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>After a failure, how long the store is left alone before it is tried again (recovery needs no restart).</summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of a limit one instance leases at a time: larger means fewer store calls, smaller means less
    /// capacity idle in instances that stop (docs/reliability.md, the overshoot and idle bounds).</summary>
    public double LeaseFraction { get; set; } = 0.1;

    /// <summary>The share of a budget past which answers carry x-budget-warning and the BudgetThresholdCrossed metric counts.</summary>
    public double BudgetWarningFraction { get; set; } = 0.8;

    /// <summary>How often the usage counted in this process is written to the store (and at shutdown; on Lambda also
    /// after every invocation, before the next is asked for).</summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Limits and budgets of the whole customer environment, over all its keys.</summary>
    public AllowanceOptions Environment { get; set; } = new();
}
