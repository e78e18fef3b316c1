namespace BedrockNovaProxy.Auth;

/// <summary>A per-minute allowance as a token bucket: full at <see cref="Limit"/>, refilled continuously at
/// Limit/60 per second. Requests take one unit up front; tokens are charged after the answer, which may take the
/// bucket below zero (the debt delays the next request). Time from a TimeProvider, so tests are exact.</summary>
public sealed class RateBucket(int limit, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _available = limit;
    private long _last = time.GetTimestamp();

    public int Limit => limit;

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
                return _available >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _available) * 60 / limit);
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
                return TimeSpan.FromSeconds(Math.Max(0, limit - _available) * 60 / limit);
            }
        }
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        _available = Math.Min(limit, _available + (time.GetElapsedTime(_last, now).TotalSeconds * limit / 60));
        _last = now;
    }
}
