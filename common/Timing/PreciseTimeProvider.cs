using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BedrockNovaProxy.Timing;

/// <summary>The system clock with timers that fire when they are due. .NET's own timers are kept on
/// <see cref="Environment.TickCount64"/>, which on Linux reads CLOCK_MONOTONIC_COARSE: one tick per kernel jiffy, 4 ms
/// at HZ=250. There a 2.5 ms <c>Task.Delay</c> takes 4.2 ms, and every timer fires on the next 4 ms boundary, so a
/// paced stream arrives in bursts and a scheduled arrival leaves up to 4 ms late. These timers are kept in
/// <see cref="Stopwatch"/> ticks on one thread that sleeps until the earliest is due: Monitor.Wait (precise to about
/// 0.1 ms) for all but the last millisecond or two, which are slept in half-millisecond slices (nanosleep; elsewhere
/// than Linux and macOS, one-millisecond sleeps). For the local stand-ins' emulated latency and the load generator's
/// schedule; a service has no use for it. A changed or disposed timer leaves its old entry queued until that entry's
/// due time (then drops it): fit for waits that mostly run out, not for a long timeout set anew on every
/// request.</summary>
public sealed class PreciseTimeProvider : TimeProvider
{
    public static PreciseTimeProvider Instance { get; } = new();

    private static readonly Lazy<Scheduler> Shared = new(() => new Scheduler());

    private PreciseTimeProvider()
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PreciseTimer(Shared.Value, callback, state, ExecutionContext.Capture());
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class PreciseTimer(Scheduler scheduler, TimerCallback callback, object? state, ExecutionContext? context) : ITimer
    {
        private readonly Lock _lock = new();
        private long _version;
        private long _due;
        private long _period;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
            ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan);
            long version, due;
            lock (_lock)
            {
                if (_disposed)
                {
                    return false;
                }

                // A new version makes whatever the scheduler still holds for this timer stale.
                version = ++_version;
                _period = period <= TimeSpan.Zero ? 0 : Ticks(period);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                due = _due = Stopwatch.GetTimestamp() + Ticks(dueTime);
            }

            scheduler.Add(this, version, due);
            return true;
        }

        /// <summary>Whether <paramref name="version"/> is still this timer's schedule (not changed or disposed since).</summary>
        public bool IsCurrent(long version) => Volatile.Read(ref _version) == version;

        /// <summary>Called by the scheduler when <paramref name="version"/> is due: runs the callback on the thread pool
        /// (the scheduler thread never runs user code), then schedules the next period.</summary>
        public void Due(long version) =>
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Timer.Run(s.Version), (Timer: this, Version: version), preferLocal: false);

        private void Run(long version)
        {
            long next;
            lock (_lock)
            {
                if (_disposed || version != _version)
                {
                    return;
                }

                // From the due time, not from now, so that a period does not drift by the callback's own lateness.
                next = _period > 0 ? Math.Max(_due + _period, Stopwatch.GetTimestamp()) : 0;
                _due = next;
            }

            if (next > 0)
            {
                scheduler.Add(this, version, next);
            }

            if (context is null)
            {
                callback(state);
            }
            else
            {
                ExecutionContext.Run(context, static s => { var (c, st) = ((TimerCallback, object?))s!; c(st); }, (callback, state));
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static long Ticks(TimeSpan span) => (long)(span.Ticks * (double)Stopwatch.Frequency / TimeSpan.TicksPerSecond);
    }

    /// <summary>One background thread and the timers' due times, earliest first. An entry whose timer changed or was
    /// disposed since is dropped when it comes up.</summary>
    private sealed class Scheduler
    {
        private static readonly long Millisecond = Stopwatch.Frequency / 1000;
        private static readonly long Slice = Stopwatch.Frequency / 2000;
        private static readonly bool HasNanosleep = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

        private readonly object _gate = new();
        private readonly PriorityQueue<(PreciseTimer Timer, long Version), long> _queue = new();

        public Scheduler()
        {
            new Thread(Loop) { IsBackground = true, Name = "Precise timers" }.Start();
        }

        public void Add(PreciseTimer timer, long version, long due)
        {
            lock (_gate)
            {
                var later = _queue.TryPeek(out _, out var head) && head <= due;
                _queue.Enqueue((timer, version), due);
                if (!later)
                {
                    Monitor.Pulse(_gate);
                }
            }
        }

        private void Loop()
        {
            while (true)
            {
                (PreciseTimer Timer, long Version) entry;
                long remaining;
                lock (_gate)
                {
                    if (!_queue.TryPeek(out entry, out var due))
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    remaining = due - Stopwatch.GetTimestamp();
                    if (remaining >= 2 * Millisecond)
                    {
                        // Monitor.Wait keeps to the precise clock (it ends about 0.1 ms late); waking a millisecond or
                        // more early leaves the rest to the slices. Adding an earlier timer pulses it.
                        Monitor.Wait(_gate, (int)Math.Min(int.MaxValue, remaining / Millisecond - 1));
                        continue;
                    }

                    if (remaining <= 0)
                    {
                        _queue.Dequeue();
                    }
                }

                if (remaining > 0)
                {
                    // Outside the lock, so that timers can be added meanwhile; a slice is short enough for an earlier one.
                    SleepBriefly(Math.Min(remaining, Slice));
                    continue;
                }

                if (entry.Timer.IsCurrent(entry.Version))
                {
                    entry.Timer.Due(entry.Version);
                }
            }
        }

        private static void SleepBriefly(long ticks)
        {
            if (!HasNanosleep)
            {
                Thread.Sleep(1);
                return;
            }

            var request = new Native.Timespec { Seconds = 0, Nanoseconds = ticks * 1_000_000_000 / Stopwatch.Frequency };
            _ = Native.nanosleep(in request, IntPtr.Zero);
        }
    }

    private static class Native
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "nanosleep")]
        public static extern int nanosleep(in Timespec request, IntPtr remaining);
    }
}
