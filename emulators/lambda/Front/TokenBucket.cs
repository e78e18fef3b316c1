namespace BedrockNovaProxy.Emulators.Lambda.Front;

/// <summary>API Gateway's stage throttling: a bucket of <paramref name="burst"/> tokens refilled at
/// <paramref name="rate"/> per second; a request without a token gets 429. Time from a TimeProvider.</summary>
public sealed class TokenBucket(double rate, int burst, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        if (rate <= 0)
        {
            return true;
        }

        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * rate));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }
}
