using System.Globalization;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.Limits;

/// <summary>The allowances of one scope (a key, or the environment) as configured.</summary>
public sealed class ScopeAllowances
{
    public ScopeAllowances(string scope, string describe, AllowanceOptions options, ILimitStore? store, SharedLimitsOptions shared, TimeProvider time, LimitsMetrics metrics)
    {
        Allowance? Make(string unit, Period period, decimal? limit) =>
            limit is > 0 and var l ? new Allowance(scope, unit, period, (long)Math.Ceiling(l), store, shared, time, metrics) : null;

        Describe = describe;
        // Per-minute limits are shared only with a store; without one the key's own rate buckets hold them (ApiKey).
        if (store is not null)
        {
            Requests = Make("requests", Period.Minute, options.RequestsPerMinute);
            TokensPerMinute = Make("tokens", Period.Minute, options.TokensPerMinute);
        }

        Budgets = [.. new[]
        {
            Make("tokens", Period.Day, options.TokensPerDay), Make("tokens", Period.Month, options.TokensPerMonth),
            Make("micro_usd", Period.Day, options.UsdPerDay * 1_000_000m), Make("micro_usd", Period.Month, options.UsdPerMonth * 1_000_000m),
        }.OfType<Allowance>()];
        Charged = [.. Budgets.Append(TokensPerMinute).OfType<Allowance>()];
        All = [.. Charged.Append(Requests).OfType<Allowance>()];
    }

    /// <summary>"key 'alice'" or "this environment", for messages.</summary>
    public string Describe { get; }

    public Allowance? Requests { get; }

    public Allowance? TokensPerMinute { get; }

    public IReadOnlyList<Allowance> Budgets { get; }

    public IReadOnlyList<Allowance> All { get; }

    /// <summary>What the answer's tokens and cost are charged to.</summary>
    public IReadOnlyList<Allowance> Charged { get; }
}

/// <summary>The limits and budgets a request passes before it is served, and what its answer is charged after: the
/// key's and the environment's, in one store shared by every instance (<see cref="Allowance"/>). Refusals are
/// OpenAI-shaped: 429 rate_limit_exceeded (per minute) or budget_exceeded (per day or month) with Retry-After at the
/// window's end; 503 limits_unavailable when the store is down and the customer chose to refuse then.</summary>
public sealed class SharedLimits
{
    private readonly Dictionary<string, ScopeAllowances> _keys;
    private readonly ScopeAllowances _environment;
    private readonly SharedLimitsOptions _options;
    private readonly LimitsMetrics _metrics;

    public SharedLimits(ProxyOptions options, ILimitStore? store, UsageLog? usage, TimeProvider time, LimitsMetrics metrics)
    {
        (_options, _metrics, Usage, Shared) = (options.SharedLimits, metrics, usage, store is not null);
        _keys = options.Auth.Keys.ToDictionary(k => k.Name, k => new ScopeAllowances("key:" + k.Name, $"key '{k.Name}'", k, store, _options, time, metrics), StringComparer.Ordinal);
        _environment = new ScopeAllowances("env", "this environment", _options.Environment, store, _options, time, metrics);
    }

    /// <summary>Whether the per-minute limits are shared (a store is configured) rather than per process.</summary>
    public bool Shared { get; }

    public UsageLog? Usage { get; }

    public ScopeAllowances For(string key) => _keys[key];

    /// <summary>Whether any limit of <paramref name="key"/> or of the environment is waiting out a store failure.</summary>
    public bool StoreDown(string key) => _keys[key].All.Concat(_environment.All).Any(a => a.StoreDown);

    /// <summary>Whether a request of <paramref name="key"/> meets any budget (without a store, its only shared-path check).</summary>
    public bool HasBudgets(string key) => _keys[key].Budgets.Count > 0 || _environment.Budgets.Count > 0;

    public ScopeAllowances Environment => _environment;

    /// <summary>Admits a request of <paramref name="key"/> or throws the refusal.</summary>
    public async ValueTask AdmitAsync(string key, CancellationToken cancellationToken)
    {
        foreach (var scope in new[] { _keys[key], _environment })
        {
            if (scope.Requests is { } requests)
            {
                Check(scope, requests, await requests.AdmitAsync(1, cancellationToken).ConfigureAwait(false));
            }
        }

        foreach (var scope in new[] { _keys[key], _environment })
        {
            foreach (var allowance in scope.Charged)
            {
                Check(scope, allowance, await allowance.AdmitAsync(0, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>Charges an answer's tokens and estimated cost to the key's and the environment's allowances, and
    /// counts it in the usage log.</summary>
    public void Charge(string key, string? alias, string? modelId, int input, int output, int cached)
    {
        var cost = modelId is null ? null : NovaPrices.Estimate(modelId, input, output);
        var micro = (long)Math.Round((cost ?? 0) * 1_000_000m, MidpointRounding.AwayFromZero);
        foreach (var scope in (ReadOnlySpan<ScopeAllowances>)[_keys[key], _environment])
        {
            foreach (var allowance in scope.Charged)
            {
                allowance.Charge(allowance.Unit == "tokens" ? input + output : micro);
            }
        }

        Usage?.Record(key, alias ?? "none", input, output, cached, micro);
    }

    /// <summary>The x-budget-warning value for a response of <paramref name="key"/>: each budget past its warning share,
    /// as scope/unit/period=percent. Null when none is.</summary>
    public string? Warning(string key)
    {
        var crossed = new List<string>();
        foreach (var scope in (ReadOnlySpan<ScopeAllowances>)[_keys[key], _environment])
        {
            foreach (var budget in scope.Budgets)
            {
                var used = budget.UsedFraction;
                if (used >= _options.BudgetWarningFraction)
                {
                    if (budget.MarkWarned())
                    {
                        _metrics.ThresholdCrossed(budget.Scope, budget.Unit, budget.Period.ToString().ToLowerInvariant());
                    }

                    crossed.Add($"{budget.Scope}/{budget.Unit}/{budget.Period.ToString().ToLowerInvariant()}={Math.Min(100, Math.Floor(used * 100)).ToString(CultureInfo.InvariantCulture)}%");
                }
            }
        }

        return crossed.Count == 0 ? null : string.Join(", ", crossed);
    }

    private static void Check(ScopeAllowances scope, Allowance allowance, Verdict verdict)
    {
        switch (verdict)
        {
            case Verdict.Admitted:
                return;
            case Verdict.Unavailable:
                throw new OpenAiException(new OpenAiError(503, "The limits store of this deployment is unavailable and it refuses requests until it answers again. Try again shortly.",
                    OpenAiError.ServerErrorType, null, "limits_unavailable", allowance.UntilStoreRetry));
            case Verdict.Exhausted when allowance.Period == Period.Minute:
                throw new OpenAiException(new OpenAiError(429,
                    $"Rate limit reached for {allowance.Unit} on {scope.Describe}: limit {allowance.Limit} per minute. Try again in {Seconds(allowance.UntilWindowEnd)}s.",
                    OpenAiError.RateLimitType, null, "rate_limit_exceeded", allowance.UntilWindowEnd));
            default:
                var unit = allowance.Unit == "tokens" ? $"{allowance.Limit} tokens" : $"{(allowance.Limit / 1_000_000m).ToString(CultureInfo.InvariantCulture)} USD (estimated)";
                var period = allowance.Period == Period.Day ? "day" : "month";
                throw new OpenAiException(new OpenAiError(429,
                    $"Budget exceeded on {scope.Describe}: {unit} per {period} (UTC) are spent. It renews in {Seconds(allowance.UntilWindowEnd)}s.",
                    OpenAiError.RateLimitType, null, "budget_exceeded", allowance.UntilWindowEnd));
        }
    }

    private static string Seconds(TimeSpan span) => Math.Max(1, Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
