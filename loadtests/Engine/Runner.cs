using BedrockNovaProxy.Timing;

namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>Runs scenarios. Open simulations fire each request at its scheduled time without waiting for earlier
/// ones, and measure latency from that scheduled time; closed ones keep N loops busy. In-flight requests are capped
/// so a stalled target cannot exhaust the client: requests over the cap are counted as dropped.</summary>
public sealed class Runner(TimeProvider time, int maxInFlight = 2048)
{
    /// <summary>Called once a second with the scenario name and the requests completed so far (progress display).</summary>
    public Action<string, long>? Progress { get; init; }

    public async Task<ScenarioStats> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        var measurements = new Measurements();
        var started = time.GetTimestamp();
        var inFlight = new List<Task>();
        var completed = 0L;
        using var progress = Progress is null ? null : time.CreateTimer(
            _ => Progress(scenario.Name, Interlocked.Read(ref completed)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var offset = TimeSpan.Zero;
        foreach (var simulation in scenario.Simulations)
        {
            switch (simulation)
            {
                case InjectSimulation inject:
                    await InjectAsync(scenario, inject, offset, started, measurements, inFlight, () => Interlocked.Increment(ref completed), cancellationToken);
                    break;
                case KeepConstantSimulation constant:
                    await KeepConstantAsync(scenario, constant, offset, started, measurements, () => Interlocked.Increment(ref completed), cancellationToken);
                    break;
            }

            offset += simulation.During;
        }

        await Task.WhenAll(inFlight);
        return measurements.Snapshot(scenario.Name, time.GetElapsedTime(started));
    }

    private async Task InjectAsync(Scenario scenario, InjectSimulation inject, TimeSpan offset, long started, Measurements measurements,
        List<Task> inFlight, Action done, CancellationToken cancellationToken)
    {
        var running = 0;
        foreach (var at in ArrivalSchedule.Offsets(inject))
        {
            var intended = offset + at;
            await time.DelayAsync(intended - time.GetElapsedTime(started), cancellationToken);

            if (Volatile.Read(ref running) >= maxInFlight)
            {
                measurements.Dropped();
                continue;
            }

            Interlocked.Increment(ref running);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await CallAsync(scenario, started, intended, measurements, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                    done();
                }
            }, cancellationToken));
        }
    }

    private async Task KeepConstantAsync(Scenario scenario, KeepConstantSimulation constant, TimeSpan offset, long started, Measurements measurements,
        Action done, CancellationToken cancellationToken)
    {
        var end = offset + constant.During;
        await Task.WhenAll(Enumerable.Range(0, constant.Copies).Select(_ => Task.Run(async () =>
        {
            while (time.GetElapsedTime(started) < end && !cancellationToken.IsCancellationRequested)
            {
                // In a closed loop the request starts when the previous one ends: that is its intended start.
                await CallAsync(scenario, started, time.GetElapsedTime(started), measurements, cancellationToken);
                done();
            }
        }, cancellationToken)));
    }

    private async Task CallAsync(Scenario scenario, long started, TimeSpan intended, Measurements measurements, CancellationToken cancellationToken)
    {
        var sent = time.GetTimestamp();
        StepResult result;
        try
        {
            result = await scenario.Step(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            result = StepResult.Fail(0, e.GetType().Name + ": " + e.Message);
        }

        var now = time.GetElapsedTime(started);
        measurements.Record(intended, now - intended, time.GetElapsedTime(sent), result);
    }
}
