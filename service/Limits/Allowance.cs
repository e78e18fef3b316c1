using System.Globalization;
using BedrockNovaProxy.Configuration;

namespace BedrockNovaProxy.Limits;

public enum Period
{
    Minute,
    Day,
    Month,
}

/// <summary>What an allowance says to a request.</summary>
public enum Verdict
{
    Admitted,

    /// <summary>The window is spent (across instances, or in this process while the store is down and serving).</summary>
    Exhausted,

    /// <summary>The store does not answer and the customer chose to refuse then.</summary>
    Unavailable,
}

/// <summary>One limit of one scope (a key or the environment) on one unit (requests, tokens, micro-USD) over one UTC
/// window (minute, day, month), shared by every instance through the store. An instance leases a block of the window
/// with one conditional update and serves from it locally, leasing the next block in the background when half is
/// used. Amounts known only after the answer (tokens, cost) are charged then; what goes past the lease is added to the
/// store as it is, so the store's total is what was really used (plus what instances hold unused).
/// Bounds (docs/reliability.md): requests never pass the limit in a window; tokens and cost pass it by at most what
/// the requests in flight on each instance when its lease ran out used; at most one block per instance lies idle in a
/// window. While the store fails it counts per process (Serve) or refuses (Refuse), and tries the store again after
/// RetryAfterFailure.</summary>
public sealed class Allowance
{
    private readonly Lock _lock = new();
    private readonly string _counter;
    private readonly ILimitStore? _store;
    private readonly SharedLimitsOptions _options;
    private readonly TimeProvider _time;
    private readonly LimitsMetrics _metrics;
    private readonly long _block;
    private string _window = "";
    private DateTimeOffset _windowEnd;
    private double _leased;
    private double _localUsed;
    private long _storeUsed;
    private bool _spent;
    private DateTimeOffset _storeRetryAt;
    private Task? _leasing;
    private bool _warned;

    /// <param name="scope">Whose limit: key:&lt;name&gt; or env.</param>
    /// <param name="unit">requests, tokens or micro_usd.</param>
    public Allowance(string scope, string unit, Period period, long limit, ILimitStore? store, SharedLimitsOptions options, TimeProvider time, LimitsMetrics metrics)
    {
        (Scope, Unit, Period, Limit, _store, _options, _time, _metrics) = (scope, unit, period, limit, store, options, time, metrics);
        _counter = $"limit#{scope}#{unit}#{period.ToString().ToLowerInvariant()}#";
        _block = Math.Max(1, (long)Math.Ceiling(limit * options.LeaseFraction));
    }

    public string Scope { get; }

    public string Unit { get; }

    public Period Period { get; }

    public long Limit { get; }

    /// <summary>Until the current window ends (Retry-After once it is spent).</summary>
    public TimeSpan UntilWindowEnd
    {
        get
        {
            lock (_lock)
            {
                Roll(_time.GetUtcNow());
                return _windowEnd - _time.GetUtcNow();
            }
        }
    }

    /// <summary>How much of the window the store says is taken (leased or used, by every instance), 0..1.</summary>
    public double UsedFraction
    {
        get
        {
            lock (_lock)
            {
                Roll(_time.GetUtcNow());
                return Math.Max(_storeUsed, _localUsed) / Limit;
            }
        }
    }

    /// <summary>Whether a request may go on: it takes <paramref name="take"/> now (1 for a request, 0 for tokens and
    /// cost, which need at least one unit left and are charged after the answer).</summary>
    public async ValueTask<Verdict> AdmitAsync(double take, CancellationToken cancellationToken)
    {
        // Until served, spent or failed: every lease that grants nothing marks the window spent, and every one that
        // grants something brings the store's total closer to the limit, so this ends.
        while (true)
        {
            Task leasing;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                Roll(now);
                if (_leased >= 1)
                {
                    _leased -= take;
                    _localUsed += take;
                    if (_leased < _block / 2.0 && !_spent)
                    {
                        StartLease();
                    }

                    return Verdict.Admitted;
                }

                if (_store is null || now < _storeRetryAt)
                {
                    return Local(take, now);
                }

                if (_spent)
                {
                    return Verdict.Exhausted;
                }

                leasing = StartLease();
            }

            await leasing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True the first time in a window it is asked (the warning metric counts each crossing once).</summary>
    public bool MarkWarned()
    {
        lock (_lock)
        {
            Roll(_time.GetUtcNow());
            return !_warned && (_warned = true);
        }
    }

    /// <summary>Charges what a request used, once its answer is known.</summary>
    public void Charge(double amount)
    {
        if (amount <= 0)
        {
            return;
        }

        lock (_lock)
        {
            Roll(_time.GetUtcNow());
            _localUsed += amount;
            _leased -= amount;
            if (_leased >= 0 || _store is null)
            {
                return;
            }

            // Past the lease: the store must still learn it, so the shared total is what was used.
            var debt = (long)Math.Ceiling(-_leased);
            _leased += debt;
            _storeUsed += debt;
            _ = SettleAsync(_counter + _window, debt, _windowEnd);
        }
    }

    private Verdict Local(double take, DateTimeOffset now)
    {
        if (_store is not null && _options.OnFailure == StoreFailureMode.Refuse)
        {
            return Verdict.Unavailable;
        }

        if (_localUsed >= Limit || (take > 0 && _localUsed + take > Limit))
        {
            return Verdict.Exhausted;
        }

        _localUsed += take;
        return Verdict.Admitted;
    }

    /// <summary>Whether the store failed and is not tried again yet (this allowance counts per process or refuses).</summary>
    public bool StoreDown
    {
        get
        {
            lock (_lock)
            {
                return _store is not null && _time.GetUtcNow() < _storeRetryAt;
            }
        }
    }

    /// <summary>Until the store is tried again (Retry-After of a refusal).</summary>
    public TimeSpan UntilStoreRetry
    {
        get
        {
            lock (_lock)
            {
                return _storeRetryAt - _time.GetUtcNow();
            }
        }
    }

    private Task StartLease() => _leasing ??= LeaseAsync(_window, _windowEnd);

    private async Task LeaseAsync(string window, DateTimeOffset windowEnd)
    {
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            var grant = await _store!.LeaseAsync(_counter + window, _block, Limit, windowEnd.AddHours(1), timeout.Token).ConfigureAwait(false);
            lock (_lock)
            {
                if (window == _window)
                {
                    _leased += grant.Granted;
                    _storeUsed = Math.Max(_storeUsed, grant.Used);
                    _spent = grant.Granted < _block;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _metrics.StoreFailed(e);
            lock (_lock)
            {
                _storeRetryAt = _time.GetUtcNow() + _options.RetryAfterFailure;
            }
        }
        finally
        {
            lock (_lock)
            {
                _leasing = null;
            }
        }
    }

    private async Task SettleAsync(string counter, long amount, DateTimeOffset windowEnd)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            await _store!.AddAsync(counter, amount, windowEnd.AddHours(1), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _metrics.StoreFailed(e);
        }
    }

    /// <summary>A new window starts empty: nothing leased, nothing counted here.</summary>
    private void Roll(DateTimeOffset now)
    {
        var window = Window(Period, now, out var end);
        if (window != _window)
        {
            (_window, _windowEnd, _leased, _localUsed, _storeUsed, _spent, _warned) = (window, end, 0, 0, 0, false, false);
        }
    }

    /// <summary>The UTC window <paramref name="now"/> is in, and its end.</summary>
    public static string Window(Period period, DateTimeOffset now, out DateTimeOffset end)
    {
        var utc = now.UtcDateTime;
        switch (period)
        {
            case Period.Minute:
                var minute = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);
                end = minute.AddMinutes(1);
                return minute.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
            case Period.Day:
                end = utc.Date.AddDays(1);
                return utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            default:
                var month = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
                end = month.AddMonths(1);
                return month.ToString("yyyyMM", CultureInfo.InvariantCulture);
        }
    }
}
