namespace BedrockNovaProxy.Limits;

/// <summary>A token bucket: holds up to its capacity in units and refills continuously at
/// its refill rate per second. Requests take one unit up front; amounts known only afterwards (tokens) are
/// charged later and may take the bucket below zero, a debt that delays what comes next. Time from a TimeProvider,
/// so tests are exact. The proxy's per-minute key limits and the local API Gateway's stage throttling both use it.</summary>
public sealed class RateBucket
{
    private readonly Lock _lock = new();
    private readonly double _capacity;
    private readonly double _refillPerSecond;
    private readonly TimeProvider _time;
    private double _available;
    private long _last;

    public RateBucket(double capacity, double refillPerSecond, TimeProvider time)
    {
        (_capacity, _refillPerSecond, _time) = (capacity, refillPerSecond, time);
        _available = capacity;
        _last = time.GetTimestamp();
    }

    /// <summary>A per-minute allowance: full at <paramref name="perMinute"/>, refilled at perMinute/60 per second.</summary>
    public static RateBucket PerMinute(int perMinute, TimeProvider time) => new(perMinute, perMinute / 60.0, time);

    public int Limit => (int)_capacity;

    /// <summary>Takes <paramref name="amount"/> if at least one unit is available.</summary>
    public bool TryTake(double amount = 1)
    {
        lock (_lock)
        {
            Refill();
            if (_available < 1)
            {
                return false;
            }

            _available -= amount;
            return true;
        }
    }

    public void Charge(double amount)
    {
        lock (_lock)
        {
            Refill();
            _available -= amount;
        }
    }

    public int Remaining
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return (int)Math.Max(0, Math.Floor(_available));
            }
        }
    }

    /// <summary>How long until one unit is available again (zero when one is).</summary>
    public TimeSpan UntilAvailable
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _available >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _available) / _refillPerSecond);
            }
        }
    }

    /// <summary>How long until the bucket is full again (OpenAI's x-ratelimit-reset-*).</summary>
    public TimeSpan UntilFull
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return TimeSpan.FromSeconds(Math.Max(0, _capacity - _available) / _refillPerSecond);
            }
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _available = Math.Min(_capacity, _available + (_time.GetElapsedTime(_last, now).TotalSeconds * _refillPerSecond));
        _last = now;
    }
}
