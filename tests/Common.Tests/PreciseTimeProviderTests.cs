using System.Diagnostics;
using BedrockNovaProxy.Tests.Support;
using BedrockNovaProxy.Timing;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Common.Tests;

/// <summary>The local stand-ins' and the load generator's clock: its timers keep ITimer's contract (once, again after
/// Change, never after Dispose or an infinite due time, periodically with a period), never fire before they are due,
/// and carry the creator's ExecutionContext. Lower bounds only: how late a timer may be is measured in
/// docs/performance.md, not asserted here.</summary>
public class PreciseTimeProviderTests
{
    private static readonly TimeProvider Precise = PreciseTimeProvider.Instance;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(7.25)]
    public async Task A_timer_fires_once_and_not_before_it_is_due(double milliseconds)
    {
        var due = TimeSpan.FromMilliseconds(milliseconds);
        var fired = 0;
        var elapsed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        using var timer = Precise.CreateTimer(_ =>
        {
            Interlocked.Increment(ref fired);
            elapsed.TrySetResult(Stopwatch.GetElapsedTime(started));
        }, null, due, Timeout.InfiniteTimeSpan);

        Assert.True(await elapsed.Task.WaitAsync(Patience, TestContext.Current.CancellationToken) >= due);
        await Sentinel(TimeSpan.FromMilliseconds(milliseconds + 5));
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task An_exact_delay_waits_the_fraction_of_a_millisecond_that_Task_Delay_drops()
    {
        // Task.Delay rounds its span down to whole milliseconds before any TimeProvider sees it.
        var fake = new FakeTimeProvider();
        var delay = TimeSpan.FromMilliseconds(2.5);
        var dotnet = Task.Delay(delay, fake, TestContext.Current.CancellationToken);
        var exact = fake.DelayAsync(delay, TestContext.Current.CancellationToken);

        fake.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(dotnet.IsCompleted);
        Assert.False(exact.IsCompleted);

        fake.Advance(TimeSpan.FromMilliseconds(0.5));
        await exact.WaitAsync(Patience, TestContext.Current.CancellationToken);

        var started = Stopwatch.GetTimestamp();
        await Precise.DelayAsync(delay, TestContext.Current.CancellationToken);
        Assert.True(Stopwatch.GetElapsedTime(started) >= delay);
    }

    [Fact]
    public async Task An_exact_delay_ends_at_once_for_nothing_and_is_cancelled_with_its_token()
    {
        var fake = new FakeTimeProvider();
        Assert.True(fake.DelayAsync(TimeSpan.Zero, TestContext.Current.CancellationToken).IsCompletedSuccessfully);
        Assert.True(fake.DelayAsync(TimeSpan.FromMilliseconds(-1), TestContext.Current.CancellationToken).IsCompletedSuccessfully);
        Assert.True(fake.DelayAsync(TimeSpan.FromSeconds(1), new CancellationToken(true)).IsCanceled);

        using var cancel = new CancellationTokenSource();
        var waiting = Precise.DelayAsync(TimeSpan.FromHours(1), cancel.Token);
        await cancel.CancelAsync();
        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(cancel.Token, thrown.CancellationToken);
    }

    [Fact]
    public async Task Change_moves_a_timer_and_an_infinite_due_time_or_Dispose_stops_it()
    {
        var (moved, stopped, disposed) = (0, 0, 0);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var move = Precise.CreateTimer(_ => { Interlocked.Increment(ref moved); fired.TrySetResult(); }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        // Due 200 ms out, far beyond the microseconds before they are stopped, so no timer fires before its change.
        using var stop = Precise.CreateTimer(_ => Interlocked.Increment(ref stopped), null, TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
        var dispose = Precise.CreateTimer(_ => Interlocked.Increment(ref disposed), null, TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);

        Assert.True(move.Change(TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan));
        Assert.True(stop.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        dispose.Dispose();
        Assert.False(dispose.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));

        await fired.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Sentinel(TimeSpan.FromMilliseconds(250));
        Assert.Equal((1, 0, 0), (moved, stopped, disposed));
    }

    [Fact]
    public async Task A_periodic_timer_fires_until_disposed()
    {
        var count = 0;
        var thrice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = Precise.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref count) == 3)
            {
                thrice.TrySetResult();
            }
        }, null, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1.5));

        await thrice.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await timer.DisposeAsync();
        var after = Volatile.Read(ref count);
        await Sentinel(TimeSpan.FromMilliseconds(10));

        // A callback already handed to the thread pool as Dispose ran may still finish; none starts after.
        Assert.InRange(Volatile.Read(ref count), after, after + 1);
    }

    [Fact]
    public async Task A_callback_runs_in_the_creators_execution_context()
    {
        var local = new AsyncLocal<string>();
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        local.Value = "creator";
        using var timer = Precise.CreateTimer(_ => seen.TrySetResult(local.Value), null, TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        local.Value = "changed later";

        Assert.Equal("creator", await seen.Task.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    /// <summary>Generated schedules: up to 60 timers at once, each due 0 to 20 ms from its start, from its creation or
    /// from a Change of a timer created an hour out; others stopped by an infinite due time or disposed before they were
    /// due. Each one due fires once and not before its time; the others do not fire.</summary>
    [Fact]
    public async Task Generated_schedules_fire_every_timer_as_its_last_change_says()
    {
        var plan = Gen.Select(Gen.Int[0, 20_000], Gen.Int[0, 3]).Array[1, 60];
        var ran = await GeneratedCases.CheckAsync(plan, async timers =>
        {
            var started = Stopwatch.GetTimestamp();
            var fired = new TimeSpan[timers.Length];
            var counts = new int[timers.Length];
            var due = new TimeSpan?[timers.Length];
            var created = new List<ITimer>();
            var pending = timers.Count(t => t.Item2 <= 1);
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (pending == 0)
            {
                all.SetResult();
            }

            for (var i = 0; i < timers.Length; i++)
            {
                var (micros, action) = timers[i];
                var index = i;
                var span = TimeSpan.FromMicroseconds(micros);
                var later = TimeSpan.FromHours(1);
                var timer = Precise.CreateTimer(_ =>
                {
                    fired[index] = Stopwatch.GetElapsedTime(started);
                    if (Interlocked.Increment(ref counts[index]) == 1 && Interlocked.Decrement(ref pending) == 0)
                    {
                        all.TrySetResult();
                    }
                }, null, action == 0 ? span : later, Timeout.InfiniteTimeSpan);
                created.Add(timer);
                switch (action)
                {
                    case 0:
                        due[i] = span;
                        break;
                    case 1:
                        // Due from the moment of the change.
                        due[i] = Stopwatch.GetElapsedTime(started) + span;
                        timer.Change(span, Timeout.InfiniteTimeSpan);
                        break;
                    case 2:
                        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                        break;
                    default:
                        timer.Dispose();
                        break;
                }
            }

            await all.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
            await Sentinel(TimeSpan.FromMilliseconds(25));
            for (var i = 0; i < timers.Length; i++)
            {
                Assert.Equal(due[i] is null ? 0 : 1, counts[i]);
                Assert.True(due[i] is null || fired[i] >= due[i], $"timer {i} fired at {fired[i]}, before {due[i]}");
            }

            created.ForEach(t => t.Dispose());
        }, seed: 2612, cases: 12, print: t => string.Join(", ", t));
        Assert.Equal(12 * GeneratedCases.Scale, ran);
    }

    /// <summary>Waits for a timer due <paramref name="after"/> from now. The scheduler hands timers over in due order,
    /// so every one due earlier has been handed to the thread pool by then.</summary>
    private static async Task Sentinel(TimeSpan after)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sentinel = Precise.CreateTimer(_ => done.TrySetResult(), null, after, Timeout.InfiniteTimeSpan);
        await done.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }
}
