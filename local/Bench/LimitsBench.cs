using System.Globalization;
using System.Text;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Limits;
using BedrockNovaProxy.LoadTests;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Scenarios;
using BedrockNovaProxy.Timing;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Local.Bench;

/// <summary>`local bench --shared-limits`: what the shared limits add to a request. Two proxies in this process on one
/// local Bedrock answering at once, the same key with the same per-minute limits: one counts them per process, the
/// other leases them from a local DynamoDB (dynalite). The same fixed rate on each, alternately, twice; the leased path
/// is what most requests take (a store call only every lease block).</summary>
public static class LimitsBench
{
    public static async Task<int> RunAsync(TimeSpan during, double rate, DirectoryInfo report, CancellationToken ct)
    {
        if (!LocalDynamo.Installed)
        {
            Console.Error.WriteLine($"local: dynalite is not installed: npm ci --prefix {LocalDynamo.Folder}");
            return Commands.CouldNotRun;
        }

        await using var dynamo = await LocalDynamo.StartAsync(ct);
        using (var client = dynamo.Client())
        {
            await DynamoLimitStore.CreateTableAsync(client, "bench-limits", ct);
        }

        // Limits the run never reaches, so every request is admitted: 12,000 a minute leases 1,200 at a time.
        var limits = new Dictionary<string, string?>
        {
            ["Proxy:Auth:Keys:0:RequestsPerMinute"] = "12000",
            ["Proxy:Auth:Keys:0:TokensPerMinute"] = "100000000",
        };
        await using var local = await InProcessStack.StartAsync(limits);
        await using var shared = await InProcessStack.StartAsync(new Dictionary<string, string?>(limits)
        {
            ["Proxy:SharedLimits:Table"] = "bench-limits",
            ["Proxy:SharedLimits:ServiceUrl"] = dynamo.Url.AbsoluteUri,
        });
        const string Instant = "[[latency:ttft=0,tps=0]] " + LocalGate.Prompt;
        using var localHttp = Commands.CreateClient(local.ProxyUrl);
        using var sharedHttp = Commands.CreateClient(shared.ProxyUrl);
        var off = new OpenAiScenarios(localHttp, "gpt-4o-mini", Instant, InProcessStack.ApiKey);
        var on = new OpenAiScenarios(sharedHttp, "gpt-4o-mini", Instant, InProcessStack.ApiKey);
        foreach (var step in new Func<CancellationToken, Task<StepResult>>[] { off.ChatAsync, on.ChatAsync })
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => step(ct)));
        }

        var runs = new List<(string Name, ScenarioStats Stats)>();
        for (var round = 1; round <= 2; round++)
        {
            foreach (var (name, step) in new (string, Func<CancellationToken, Task<StepResult>>)[] { ("per process", off.ChatAsync), ("shared (leased)", on.ChatAsync) })
            {
                var stats = await Commands.WithProgressAsync(Scenario.Create($"{name}, round {round}", step).WithLoadSimulations(LoadSimulation.Inject(rate, during)), ct);
                runs.Add((name, stats));
            }
        }

        // The admission itself, timed call by call at the same rate: what a request spends in the limits, without the
        // HTTP stack's noise around it (on a shared machine that noise dwarfs a fraction of a millisecond).
        var key = local.ProxyServices.GetRequiredService<Auth.ApiKeys>().Find(InProcessStack.ApiKey)!;
        var sharedLimits = shared.ProxyServices.GetRequiredService<SharedLimits>();
        var perProcess = await TimeCallsAsync(rate, during, () =>
        {
            key.Requests!.TryTake();
            key.Tokens!.Charge(40);
            return ValueTask.CompletedTask;
        }, ct);
        var leased = await TimeCallsAsync(rate, during, async () =>
        {
            await sharedLimits.AdmitAsync(key.Name, ct);
            sharedLimits.Charge(key.Name, "gpt-4o-mini", "amazon.nova-lite-v1:0", 8, 32, 0);
        }, ct);

        var failures = shared.ProxyServices.GetRequiredService<LimitsMetrics>().Failures;
        var md = new StringBuilder()
            .AppendLine("## Shared limits: added latency, leased from a local DynamoDB against counted per process")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Same process; chat completions, an instant emulated model, {rate} requests/s for {during.TotalSeconds:F0} s per run, two rounds; {Environment.ProcessorCount} cores. Store failures during the runs: {failures}.")
            .AppendLine()
            .AppendLine("| Limits | round | p50 ms | p99 ms | max ms | req/s | errors |")
            .AppendLine("|---|---|---|---|---|---|---|");
        for (var i = 0; i < runs.Count; i++)
        {
            var (name, s) = runs[i];
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {(i / 2) + 1} | {s.Latency.P50} | {s.Latency.P99} | {s.Latency.Max} | {s.Throughput} | {s.Failed + s.Dropped} |");
        }

        double Mean(string name, Func<ScenarioStats, double> of) => runs.Where(r => r.Name == name).Average(r => of(r.Stats));
        var addedP50 = Mean("shared (leased)", s => s.Latency.P50) - Mean("per process", s => s.Latency.P50);
        var addedP99 = Mean("shared (leased)", s => s.Latency.P99) - Mean("per process", s => s.Latency.P99);
        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Added by the shared limits (mean of the rounds): p50 {addedP50:F3} ms, p99 {addedP99:F3} ms (target: at most 0.2 ms at p99).");

        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The admission alone, {perProcess.Count} calls at {rate}/s each (admit, then charge 40 tokens), in microseconds:")
            .AppendLine()
            .AppendLine("| Limits | p50 µs | p99 µs | p99.9 µs | max µs |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| per process (rate buckets) | {Pct(perProcess, 50):F1} | {Pct(perProcess, 99):F1} | {Pct(perProcess, 99.9):F1} | {perProcess[^1]:F1} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| shared (leased, DynamoDB) | {Pct(leased, 50):F1} | {Pct(leased, 99):F1} | {Pct(leased, 99.9):F1} | {leased[^1]:F1} |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Added at p99 by the leased path: {(Pct(leased, 99) - Pct(perProcess, 99)) / 1000:F4} ms.");

        Directory.CreateDirectory(report.FullName);
        await File.WriteAllTextAsync(Path.Combine(report.FullName, "bench-limits.md"), md.ToString(), ct);
        Console.WriteLine(md);
        StepSummary.Write(md.ToString(), null, Environment.GetEnvironmentVariable);
        return runs.All(r => r.Stats.Failed + r.Stats.Dropped == 0) && failures == 0 ? Commands.Passed : Commands.ThresholdBreached;
    }

    /// <summary>Calls <paramref name="call"/> at <paramref name="rate"/> a second for <paramref name="during"/>; each
    /// call's duration in microseconds, sorted.</summary>
    private static async Task<List<double>> TimeCallsAsync(double rate, TimeSpan during, Func<ValueTask> call, CancellationToken ct)
    {
        var times = new List<double>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate), PreciseTimeProvider.Instance);
        var end = TimeProvider.System.GetTimestamp() + (long)(during.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (TimeProvider.System.GetTimestamp() < end && await timer.WaitForNextTickAsync(ct))
        {
            var start = TimeProvider.System.GetTimestamp();
            await call();
            times.Add(TimeProvider.System.GetElapsedTime(start).TotalMicroseconds);
        }

        times.Sort();
        return times;
    }

    private static double Pct(List<double> sorted, double percentile) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1)];
}
