using System.Globalization;
using System.Text;
using System.Text.Json;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.LoadTests;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Scenarios;

namespace BedrockNovaProxy.Local.Bench;

/// <summary>The proxy against the Bedrock emulator called directly, under the same load in the same process:
/// what the proxy adds to latency and time to first token, and the throughput each sustains at saturation.</summary>
public static class Bench
{
    public static async Task<int> RunAsync(TimeSpan during, double rate, DirectoryInfo report, int ttftMs, double tps, CancellationToken ct)
    {
        await using var stack = await LocalGate.StartAsync(ttftMs, tps, LocalFaults.None);
        using var proxyHttp = Commands.CreateClient(stack.ProxyUrl);
        using var bedrockHttp = Commands.CreateClient(stack.BedrockUrl);
        var proxy = new OpenAiScenarios(proxyHttp, "gpt-4o-mini", LocalGate.Prompt, InProcessStack.ApiKey);
        var direct = new DirectBedrockScenarios(bedrockHttp, stack.BedrockUrl, "amazon.nova-lite-v1:0", LocalGate.Prompt);
        // At saturation the emulated model answers at once, so the limit is the CPU the proxy (or the client) needs.
        const string Instant = "[[latency:ttft=0,tps=0]] " + LocalGate.Prompt;
        var proxyInstant = new OpenAiScenarios(proxyHttp, "gpt-4o-mini", Instant, InProcessStack.ApiKey);
        var directInstant = new DirectBedrockScenarios(bedrockHttp, stack.BedrockUrl, "amazon.nova-lite-v1:0", Instant);
        Func<CancellationToken, Task<StepResult>>[] warmUp = [proxy.ChatAsync, proxy.ChatStreamAsync, direct.ConverseAsync, direct.ConverseStreamAsync];
        foreach (var step in warmUp)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => step(ct)));
        }

        var rows = new List<(string Name, ScenarioStats Direct, ScenarioStats Proxy)>();
        foreach (var (name, baseline, candidate, load) in new (string, Func<CancellationToken, Task<StepResult>>, Func<CancellationToken, Task<StepResult>>, LoadSimulation)[]
        {
            ("chat, open model", direct.ConverseAsync, proxy.ChatAsync, LoadSimulation.Inject(rate, during)),
            ("chat streaming, open model", direct.ConverseStreamAsync, proxy.ChatStreamAsync, LoadSimulation.Inject(rate, during)),
            ("chat at saturation (Instant model), 32 copies", directInstant.ConverseAsync, proxyInstant.ChatAsync, LoadSimulation.KeepConstant(32, during)),
        })
        {
            var d = await Commands.WithProgressAsync(Scenario.Create("direct: " + name, baseline).WithLoadSimulations(load), ct);
            var p = await Commands.WithProgressAsync(Scenario.Create("proxy: " + name, candidate).WithLoadSimulations(load), ct);
            rows.Add((name, d, p));
        }

        var md = new StringBuilder()
            .AppendLine("## Proxy overhead against the Bedrock emulator called directly")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Same process, same load; emulated model: {ttftMs} ms to first token, {tps} tokens/s, 32-token answers. {Environment.ProcessorCount} cores.")
            .AppendLine()
            .AppendLine("| Load | direct p50 | proxy p50 | added p50 | direct p99 | proxy p99 | added p99 | direct TTFT p50 | proxy TTFT p50 | direct req/s | proxy req/s | proxy/direct throughput | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, d, p) in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {d.Latency.P50} | {p.Latency.P50} | {p.Latency.P50 - d.Latency.P50:F2} | {d.Latency.P99} | {p.Latency.P99} | {p.Latency.P99 - d.Latency.P99:F2} | {Ttft(d)} | {Ttft(p)} | {d.Throughput} | {p.Throughput} | {(d.Throughput > 0 ? p.Throughput / d.Throughput : 0):P0} | {d.Failed + d.Dropped}/{p.Failed + p.Dropped} |");
        }

        Directory.CreateDirectory(report.FullName);
        await File.WriteAllTextAsync(Path.Combine(report.FullName, "bench.md"), md.ToString(), ct);
        await File.WriteAllTextAsync(Path.Combine(report.FullName, "bench.json"),
            JsonSerializer.Serialize(rows.Select(r => new { r.Name, r.Direct, r.Proxy }), new JsonSerializerOptions { WriteIndented = true }), ct);
        Console.WriteLine(md);
        StepSummary.Write(md.ToString(), null, Environment.GetEnvironmentVariable);
        return rows.All(r => r.Proxy.Failed + r.Proxy.Dropped == 0 && r.Direct.Failed + r.Direct.Dropped == 0) ? Commands.Passed : Commands.ThresholdBreached;
    }

    private static string Ttft(ScenarioStats stats) => stats.TimeToFirstToken.Count > 0 ? stats.TimeToFirstToken.P50.ToString(CultureInfo.InvariantCulture) : "-";
}
