namespace BedrockNovaProxy.Emulators.Lambda;

/// <summary>What the emulator did, for tests and GET /_emulator/stats (as JSON of its public properties).</summary>
public sealed class LambdaEmulatorStats
{
    private long _invocations, _throttled, _timeouts, _errors, _inFlight;

    public long Invocations => Interlocked.Read(ref _invocations);
    public long Throttled => Interlocked.Read(ref _throttled);
    public long Timeouts => Interlocked.Read(ref _timeouts);
    public long Errors => Interlocked.Read(ref _errors);
    public long InFlight => Interlocked.Read(ref _inFlight);

    internal void Invoked()
    {
        Interlocked.Increment(ref _invocations);
        Interlocked.Increment(ref _inFlight);
    }

    internal void Answered() => Interlocked.Decrement(ref _inFlight);

    internal void Throttle() => Interlocked.Increment(ref _throttled);

    internal void TimedOut() => Interlocked.Increment(ref _timeouts);

    internal void Failed() => Interlocked.Increment(ref _errors);
}
