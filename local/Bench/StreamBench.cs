using System.Globalization;
using System.Text;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.LoadTests;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Scenarios;
using BedrockNovaProxy.Timing;

namespace BedrockNovaProxy.Local.Bench;

/// <summary>Streams against running processes (scripts/bench.sh starts them): <c>streams</c> at a time in a closed
/// loop, ConverseStream on the local Bedrock directly and chat completions streamed through the proxy, interleaved,
/// <c>reps</c> times. Per run: time to first token (the first text delta) and end of stream (Bedrock's last event
/// directly, [DONE] through the proxy), p50 and p99; the gap between tokens, which shows the model's pace kept
/// (1/tps, 2.5 ms at 400 tokens/s) or lost. This process's own cost does not count: it runs beside the two
/// measured, and the streams wait on the emulated model most of the time.</summary>
public static class StreamBench
{
    public static async Task<int> RunAsync(Uri proxy, Uri bedrock, string apiKey, int streams, int reps, TimeSpan during, int ttftMs, double tps, CancellationToken ct)
    {
        using var proxyHttp = Commands.CreateClient(proxy);
        using var bedrockHttp = Commands.CreateClient(bedrock);
        var prompt = string.Create(CultureInfo.InvariantCulture, $"[[latency:ttft={ttftMs},tps={tps}]] {LocalGate.Prompt}");
        var viaProxy = new OpenAiScenarios(proxyHttp, "gpt-4o-mini", prompt, apiKey);
        var direct = new DirectBedrockScenarios(bedrockHttp, bedrock, "amazon.nova-lite-v1:0", prompt);
        var load = LoadSimulation.KeepConstant(streams, during);
        await new Runner(PreciseTimeProvider.Instance).RunAsync(Scenario.Create("warm-up", direct.ConverseStreamAsync).WithLoadSimulations(load), ct);
        await new Runner(PreciseTimeProvider.Instance).RunAsync(Scenario.Create("warm-up", viaProxy.ChatStreamAsync).WithLoadSimulations(load), ct);

        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Streams: {streams} at a time, closed loop, {during.TotalSeconds} s a run; model {ttftMs} ms to first token, {tps} tokens/s. Milliseconds.")
            .AppendLine()
            .AppendLine("| rep | direct streams/s | proxy streams/s | TTFT p50 direct / proxy / added | TTFT p99 direct / proxy / added | end p50 direct / proxy / added | end p99 direct / proxy / added | token gap p50 / p99 direct, proxy | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        var failed = 0L;
        for (var rep = 1; rep <= reps; rep++)
        {
            var d = await new Runner(PreciseTimeProvider.Instance).RunAsync(Scenario.Create("direct", direct.ConverseStreamAsync).WithLoadSimulations(load), ct);
            var p = await new Runner(PreciseTimeProvider.Instance).RunAsync(Scenario.Create("proxy", viaProxy.ChatStreamAsync).WithLoadSimulations(load), ct);
            failed += d.Failed + p.Failed;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {rep} | {d.Throughput:F1} | {p.Throughput:F1} | {Row(d.TimeToFirstToken.P50, p.TimeToFirstToken.P50)} | {Row(d.TimeToFirstToken.P99, p.TimeToFirstToken.P99)} | {Row(d.ServiceTime.P50, p.ServiceTime.P50)} | {Row(d.ServiceTime.P99, p.ServiceTime.P99)} | {d.ChunkGaps.P50:F2} / {d.ChunkGaps.P99:F2}, {p.ChunkGaps.P50:F2} / {p.ChunkGaps.P99:F2} | {d.Failed}/{p.Failed} |");
        }

        Console.WriteLine(md);
        StepSummary.Write(md.ToString(), null, Environment.GetEnvironmentVariable);
        return failed == 0 ? Commands.Passed : Commands.ThresholdBreached;
    }

    private static string Row(double direct, double proxy) => string.Create(CultureInfo.InvariantCulture, $"{direct:F2} / {proxy:F2} / {proxy - direct:+0.00;-0.00}");
}
