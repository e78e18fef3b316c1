using System.Globalization;
using System.Text;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Limits;
using BedrockNovaProxy.LoadTests;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Scenarios;
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
        const string instant = "[[latency:ttft=0,tps=0]] " + LocalGate.Prompt;
        using var localHttp = Commands.CreateClient(local.ProxyUrl);
        using var sharedHttp = Commands.CreateClient(shared.ProxyUrl);
        var off = new OpenAiScenarios(localHttp, "gpt-4o-mini", instant, InProcessStack.ApiKey);
        var on = new OpenAiScenarios(sharedHttp, "gpt-4o-mini", instant, InProcessStack.ApiKey);
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

        Directory.CreateDirectory(report.FullName);
        await File.WriteAllTextAsync(Path.Combine(report.FullName, "bench-limits.md"), md.ToString(), ct);
        Console.WriteLine(md);
        StepSummary.Write(md.ToString(), null, Environment.GetEnvironmentVariable);
        return runs.All(r => r.Stats.Failed + r.Stats.Dropped == 0) && failures == 0 ? Commands.Passed : Commands.ThresholdBreached;
    }
}
