using System.Diagnostics;
using System.Globalization;
using System.Text;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock;
using BedrockNovaProxy.Emulators.Lambda;

namespace BedrockNovaProxy.Local.Bench;

/// <summary>Cold start and memory of the worker as Lambda runs it, Native AOT against JIT in the same run: the
/// worker is a fresh process on the local Lambda's Runtime API; cold start is the time from starting the process
/// to the first completed chat completion through the API Gateway front. Then a burst of invocations measures
/// throughput, and the process's peak resident memory (VmHWM) is read. With an assumed role, the first call waits
/// for the worker's AssumeRole at the local STS too.</summary>
public static class ColdStart
{
    private const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"[[tokens:32]] hello"}]}""";

    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    public static async Task<int> RunAsync(string aotBinary, string jitDll, int runs, int burst, DirectoryInfo report, bool assumeRole, CancellationToken ct)
    {
        await using var bedrock = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await bedrock.StartAsync(ct);
        var rows = new List<string>();
        foreach (var (name, file, args) in new[] { ("Native AOT", aotBinary, ""), ("JIT", "dotnet", jitDll) })
        {
            var samples = new List<(double ColdMs, double Rps, double PeakMiB)>();
            for (var i = 0; i < runs; i++)
            {
                samples.Add(await OneAsync(file, args, bedrock.Urls.First(), burst, assumeRole, ct));
                Console.WriteLine($"{name} run {i + 1}: cold start {samples[^1].ColdMs:F0} ms, {samples[^1].Rps:F0} req/s, peak RSS {samples[^1].PeakMiB:F1} MiB");
            }

            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Median(samples.Select(s => s.ColdMs)):F0} | {samples.Min(s => s.ColdMs):F0} | {samples.Max(s => s.ColdMs):F0} | {Median(samples.Select(s => s.Rps)):F0} | {Median(samples.Select(s => s.PeakMiB)):F1} |"));
        }

        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"## Lambda worker: Native AOT against JIT ({runs} runs each, medians; {burst} invocations, 16 at a time, for throughput and memory{(assumeRole ? "; Bedrock calls signed with an assumed role" : "")})")
            .AppendLine()
            .AppendLine("| Build | cold start ms (median) | min | max | req/s | peak RSS MiB |")
            .AppendLine("|---|---|---|---|---|---|");
        rows.ForEach(r => md.AppendLine(r));
        Directory.CreateDirectory(report.FullName);
        await File.WriteAllTextAsync(Path.Combine(report.FullName, "coldstart.md"), md.ToString(), ct);
        Console.WriteLine(md);
        return 0;
    }

    private static async Task<(double, double, double)> OneAsync(string file, string args, string bedrockUrl, int burst, bool assumeRole, CancellationToken ct)
    {
        await using var lambda = LambdaEmulatorApp.Build([]);
        await lambda.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri(lambda.ApiGatewayUrl, "prod/"), Timeout = TimeSpan.FromMinutes(1) };
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = lambda.RuntimeApi,
            ["AWS_REGION"] = LocalCredentials.Region,
            ["AWS_ACCESS_KEY_ID"] = LocalCredentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = LocalCredentials.SecretAccessKey,
            ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = bedrockUrl,
            ["Proxy__ModelAliases__0__Alias"] = "gpt-4o-mini",
            ["Proxy__ModelAliases__0__Model"] = "amazon.nova-lite-v1:0",
            ["Proxy__Lambda__Concurrency"] = "16",
            ["Proxy__Auth__AllowAnonymous"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
        })
        {
            start.Environment[key] = value;
        }

        if (assumeRole)
        {
            start.Environment["Proxy__Bedrock__AssumeRoleArn"] = Role;
            start.Environment["AWS_ENDPOINT_URL_STS"] = bedrockUrl;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(ct);
        _ = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await CallAsync(http, ct);
            var cold = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, burst).Select(async _ =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    await CallAsync(http, ct);
                }
                finally
                {
                    gate.Release();
                }
            }));
            return (cold, burst / clock.Elapsed.TotalSeconds, PeakResidentMiB(process.Id));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }
    }

    private static async Task CallAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The worker answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>VmHWM of /proc/{pid}/status: the peak resident set size (Linux).</summary>
    private static double PeakResidentMiB(int pid) => File.ReadLines($"/proc/{pid}/status")
        .Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024)
        .FirstOrDefault();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
