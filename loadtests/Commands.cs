using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BedrockNovaProxy.Emulators.Stack;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Gate;
using BedrockNovaProxy.LoadTests.Reports;
using BedrockNovaProxy.LoadTests.Scenarios;
using Spectre.Console;

namespace BedrockNovaProxy.LoadTests;

/// <param name="ApiKey">The key for --target; else LOADGATE_API_KEY (the CLI reads it from there only).</param>
public sealed record RunOptions(
    string? Target, FileInfo? Config, string? Scenario, double? Rate, double? RampTo, string? Duration, string Model, string? Prompt,
    DirectoryInfo Report, LocalFaults Faults, int TtftMs, double TokensPerSecond, string? ApiKey = null);

/// <summary>Random Bedrock faults of the local stack, as percentages of calls.</summary>
public sealed record LocalFaults(double Throttling, double Internal, double Timeout, double MidStream)
{
    public static readonly LocalFaults None = new(0, 0, 0, 0);
}

/// <summary>The two commands: the gate (run) and the overhead benchmark (bench).</summary>
public static class Commands
{
    public const int Passed = 0, ThresholdBreached = 1, CouldNotRun = 2;
    private const string LocalPrompt = "[[tokens:32]] Reply briefly.";

    public static async Task<int> RunAsync(RunOptions options, CancellationToken ct)
    {
        GateConfig gate;
        try
        {
            gate = options.Config is null ? GateConfig.Default : GateConfig.FromCustomerYaml(await File.ReadAllTextAsync(options.Config.FullName, ct));
            gate = gate with
            {
                Scenario = options.Scenario ?? gate.Scenario,
                Rate = options.Rate ?? gate.Rate,
                Duration = options.Duration is { } d ? GateConfig.ParseDuration(d) : gate.Duration,
            };
            if (!OpenAiScenarios.Names.Contains(gate.Scenario) || gate.Rate <= 0 || gate.Duration <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Scenario must be one of {string.Join(", ", OpenAiScenarios.Names)}, rate and duration positive.");
            }

            if (options.Target is { } t && (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                throw new ArgumentException($"--target must be an absolute http(s) URL, not '{t}'.");
            }
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or YamlDotNet.Core.YamlException)
        {
            Console.Error.WriteLine($"loadgate: {e.Message}");
            return CouldNotRun;
        }

        await using var stack = options.Target is null ? await StartLocalAsync(options.TtftMs, options.TokensPerSecond, options.Faults) : null;
        var baseUrl = options.Target is { } target ? new Uri(target.TrimEnd('/') + "/") : stack!.ProxyUrl;
        using var http = CreateClient(baseUrl);
        if (!await ReachableAsync(http, ct))
        {
            Console.Error.WriteLine($"loadgate: {baseUrl} does not answer GET /health.");
            return CouldNotRun;
        }

        var scenarios = new OpenAiScenarios(http, options.Model, options.Prompt ?? (stack is null ? "Reply with one short sentence." : LocalPrompt),
            options.ApiKey ?? Environment.GetEnvironmentVariable("LOADGATE_API_KEY") ?? (stack is null ? null : InProcessStack.ApiKey));
        var scenario = Scenario.Create(gate.Scenario, scenarios.Step(gate.Scenario))
            .WithLoadSimulations(options.RampTo is { } to ? LoadSimulation.RampingInject(gate.Rate, to, gate.Duration) : LoadSimulation.Inject(gate.Rate, gate.Duration));
        var startedAt = DateTimeOffset.UtcNow;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var stats = await WithProgressAsync(scenario, ct);
        if (stack is not null)
        {
            // The proxy and the emulator live in this process: a heap that keeps growing under load would show here.
            Console.WriteLine($"managed heap after a full GC: {heapBefore / 1048576.0:F1} MiB before the run, {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB after; working set {Environment.WorkingSet / 1048576.0:F1} MiB");
        }

        var result = new RunReport(baseUrl.ToString(), gate.Scenario,
            string.Create(CultureInfo.InvariantCulture, $"{gate.Rate}{(options.RampTo is { } r ? $" -> {r}" : "")} req/s for {gate.Duration.TotalSeconds} s"), startedAt, stats, Thresholds.Evaluate(gate.Thresholds, stats));
        await result.WriteAsync(options.Report.FullName);
        var markdown = MarkdownReport.Render(result);
        Console.WriteLine(markdown);
        await AppendStepSummaryAsync(markdown, ct);
        Console.WriteLine($"Reports in {options.Report.FullName}");
        return result.Passed ? Passed : ThresholdBreached;
    }

    /// <summary>The proxy against the Bedrock emulator called directly, under the same load in the same process:
    /// what the proxy adds to latency and time to first token, and the throughput each sustains at saturation.</summary>
    public static async Task<int> BenchAsync(string duration, double rate, DirectoryInfo report, int ttftMs, double tps, CancellationToken ct)
    {
        var during = GateConfig.ParseDuration(duration);
        await using var stack = await StartLocalAsync(ttftMs, tps, LocalFaults.None);
        using var proxyHttp = CreateClient(stack.ProxyUrl);
        using var bedrockHttp = CreateClient(stack.BedrockUrl);
        var proxy = new OpenAiScenarios(proxyHttp, "gpt-4o-mini", LocalPrompt, InProcessStack.ApiKey);
        var direct = new DirectBedrockScenarios(bedrockHttp, stack.BedrockUrl, "amazon.nova-lite-v1:0", LocalPrompt);
        // At saturation the emulated model answers at once, so the limit is the CPU the proxy (or the client) needs.
        const string instant = "[[latency:ttft=0,tps=0]] " + LocalPrompt;
        var proxyInstant = new OpenAiScenarios(proxyHttp, "gpt-4o-mini", instant, InProcessStack.ApiKey);
        var directInstant = new DirectBedrockScenarios(bedrockHttp, stack.BedrockUrl, "amazon.nova-lite-v1:0", instant);
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
            ("chat at saturation (instant model), 32 copies", directInstant.ConverseAsync, proxyInstant.ChatAsync, LoadSimulation.KeepConstant(32, during)),
        })
        {
            var d = await WithProgressAsync(Scenario.Create("direct: " + name, baseline).WithLoadSimulations(load), ct);
            var p = await WithProgressAsync(Scenario.Create("proxy: " + name, candidate).WithLoadSimulations(load), ct);
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
        await AppendStepSummaryAsync(md.ToString(), ct);
        return rows.All(r => r.Proxy.Failed + r.Proxy.Dropped == 0 && r.Direct.Failed + r.Direct.Dropped == 0) ? Passed : ThresholdBreached;
    }

    private static string Ttft(ScenarioStats stats) => stats.TimeToFirstToken.Count > 0 ? stats.TimeToFirstToken.P50.ToString(CultureInfo.InvariantCulture) : "-";

    private static Task<InProcessStack> StartLocalAsync(int ttftMs, double tps, LocalFaults faults) => InProcessStack.StartAsync(bedrock: o =>
    {
        o.Latency.TimeToFirstToken = TimeSpan.FromMilliseconds(ttftMs);
        o.Latency.TokensPerSecond = tps;
        (o.Faults.ThrottlingPercent, o.Faults.InternalErrorPercent, o.Faults.ModelTimeoutPercent, o.Faults.MidStreamPercent) =
            (faults.Throttling, faults.Internal, faults.Timeout, faults.MidStream);
    });

    private static HttpClient CreateClient(Uri baseUrl) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 1024,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromMinutes(2),
    };

    private static async Task<bool> ReachableAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<ScenarioStats> WithProgressAsync(Scenario scenario, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine($"running {scenario.Name}...");
            return await new Runner(TimeProvider.System).RunAsync(scenario, ct);
        }

        return await AnsiConsole.Status().StartAsync($"{scenario.Name}: starting", async context =>
            await new Runner(TimeProvider.System) { Progress = (name, done) => context.Status($"{name}: {done} requests completed") }.RunAsync(scenario, ct));
    }

    private static async Task AppendStepSummaryAsync(string markdown, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            await File.AppendAllTextAsync(summary, markdown + Environment.NewLine, ct);
        }
    }
}
