namespace BedrockNovaProxy.Timing;

/// <summary>A delay of exactly the span asked for, on any <see cref="TimeProvider"/>. <c>Task.Delay</c> turns its span
/// into whole milliseconds first, so a 2.5 ms wait is a 2 ms one whatever the provider's timers can do. A span of zero
/// or less (a due time already past) ends at once.</summary>
public static class ExactDelay
{
    public static Task DelayAsync(this TimeProvider time, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var wait = new Wait(cancellationToken);
        wait.Start(time, delay);
        return wait.Task;
    }

    // Continuations run inline, on the timer's thread-pool callback, as Task.Delay's do: one hop per wait, not two.
    private sealed class Wait(CancellationToken cancellationToken) : TaskCompletionSource
    {
        private ITimer? _timer;
        private CancellationTokenRegistration _cancellation;

        public void Start(TimeProvider time, TimeSpan delay)
        {
            _timer = time.CreateTimer(static s => ((Wait)s!).End(canceled: false), this, delay, Timeout.InfiniteTimeSpan);
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static s => ((Wait)s!).End(canceled: true), this);
            }
        }

        private void End(bool canceled)
        {
            if (canceled ? TrySetCanceled(cancellationToken) : TrySetResult())
            {
                _timer?.Dispose();
                _cancellation.Dispose();
            }
        }
    }
}
