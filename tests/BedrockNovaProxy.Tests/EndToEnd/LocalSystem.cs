using System.ClientModel;
using System.ClientModel.Primitives;
using BedrockNovaProxy.Emulators.Bedrock;
using BedrockNovaProxy.Emulators.Lambda;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The whole system on 127.0.0.1 (the in-process stack), with the clients the suite uses.</summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly InProcessStack _stack;

    private LocalSystem(InProcessStack stack, CapturedMetrics metrics)
    {
        _stack = stack;
        Metrics = metrics;
        BaseUrl = stack.ProxyUrl;
        Http = new HttpClient { BaseAddress = BaseUrl };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", InProcessStack.ApiKey);
        OpenAi = new OpenAIClient(new ApiKeyCredential(InProcessStack.ApiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseUrl, "v1/"),
            // The suite asserts the first answer; the SDK's own retries would hide it.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public OpenAIClient OpenAi { get; }

    public EmulatorStats BedrockStats => _stack.BedrockStats;

    public IServiceProvider ProxyServices => _stack.ProxyServices;

    /// <summary>The local Bedrock's endpoints (the one the proxy calls is <see cref="InProcessStack.BedrockUrl"/>).</summary>
    public BedrockNovaProxy.Emulators.Bedrock.Transport.EmulatorEndpoints BedrockEndpoints => _stack.BedrockEndpoints;

    public Uri BedrockUrl => _stack.BedrockUrl;

    public BedrockNovaProxy.Emulators.Bedrock.Sts.StsSessions StsSessions => _stack.StsSessions;

    /// <summary>What the local Lambda and API Gateway did (Lambda modes only).</summary>
    public LambdaEmulatorStats? LambdaStats => _stack.LambdaStats;

    /// <summary>The EMF lines the proxy wrote.</summary>
    public CapturedMetrics Metrics { get; }

    /// <param name="bedrock">Emulator options (roles its STS refuses, for instance).</param>
    /// <param name="shareClock">Give the emulator <paramref name="proxyTime"/> too, for tests that move time by hours.</param>
    public static async Task<LocalSystem> StartAsync(Hosting hosting, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? proxyTime = null,
        Action<IServiceCollection>? services = null, Action<BedrockEmulatorOptions>? bedrock = null, bool shareClock = false,
        Action<LambdaEmulatorOptions>? lambda = null)
    {
        var metrics = new CapturedMetrics();
        return new(await InProcessStack.StartAsync(Merge(TestSettings, settings), proxyTime, bedrock, hosting, s =>
        {
            s.AddSingleton<BedrockNovaProxy.Telemetry.IMetricsSink>(metrics);
            services?.Invoke(s);
        }, shareClock ? proxyTime : null, lambda), metrics);
    }

    /// <summary>A body limit under API Gateway's own, as a deployment sets it, so the proxy's 413 is what the test meets.</summary>
    private static readonly IReadOnlyDictionary<string, string?> TestSettings = new Dictionary<string, string?>
    {
        ["Proxy:Limits:MaxRequestBodyBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Request limits small enough for LimitsTests to break each within that body (the defaults are Bedrock's).
        ["Proxy:Limits:MaxMessages"] = "64",
        ["Proxy:Limits:MaxMessageChars"] = "200000",
        ["Proxy:Limits:MaxImages"] = "4",
        ["Proxy:Limits:MaxImageBytes"] = "65536",
        ["Proxy:Limits:MaxDocuments"] = "2",
        ["Proxy:Limits:MaxDocumentBytes"] = "65536",
        ["Proxy:Limits:MaxMediaBytes"] = "163840",
        // Nova 2's system tools, switched on as a customer file's models.built_in_tools does (BuiltInToolsTests).
        ["Proxy:BuiltInTools:WebGrounding"] = "true",
        ["Proxy:BuiltInTools:CodeInterpreter"] = "true",
        // Quick retries, and a breaker that the fault tables cannot trip (ResilienceTests trips its own).
        ["Proxy:Bedrock:Resilience:RetryBaseDelay"] = "00:00:00.010",
        ["Proxy:Bedrock:Resilience:MinimumThroughput"] = "100000",
        // A second key that may use one model only, with small limits (AuthTests).
        ["Proxy:Auth:Keys:1:Name"] = "limited",
        ["Proxy:Auth:Keys:1:Sha256"] = "9dd9a1648df2367cdd82458a44ff1b537fc042e53d7528a1c64e5e5885d7035f",
        ["Proxy:Auth:Keys:1:Models:0"] = "gpt-4o-mini",
        ["Proxy:Auth:Keys:1:RequestsPerMinute"] = "3",
    };

    public const string LimitedKey = "sk-limited-test";

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?>? b) =>
        a.Concat(b ?? new Dictionary<string, string?>()).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _stack.DisposeAsync();
    }
}

/// <summary>The EMF lines the proxy writes. A request's line is written once its answer has left (the client may have it
/// first), so the tests wait for it: each write wakes the waiters, at most <see cref="Patience"/>.</summary>
public sealed class CapturedMetrics : BedrockNovaProxy.Telemetry.IMetricsSink
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Write(string @namespace, BedrockNovaProxy.Telemetry.MetricsRecord record)
    {
        _lines.Enqueue(BedrockNovaProxy.Telemetry.Emf.Line(@namespace, record));
        Interlocked.Exchange(ref _written, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The line of the request with this id (the x-request-id of its answer), once written.</summary>
    public Task<System.Text.Json.JsonElement> ForAsync(string requestId) =>
        UntilAsync(() => _lines
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Cast<System.Text.Json.JsonElement?>()
            .FirstOrDefault(e => e!.Value.GetProperty("RequestId").GetString() == requestId), $"the EMF line of request {requestId}");

    /// <summary>Once <paramref name="count"/> lines are written: every API request writes one, after all else it logs.</summary>
    public Task CountAsync(int count) => UntilAsync(() => _lines.Count >= count ? true : (bool?)null, $"{count} EMF lines");

    private async Task<T> UntilAsync<T>(Func<T?> probe, string what)
        where T : struct
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        while (true)
        {
            var written = _written.Task;
            if (probe() is { } found)
            {
                return found;
            }

            try
            {
                await written.WaitAsync(patience.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"No {what} within {Patience.TotalSeconds} s ({_lines.Count} lines written).");
            }
        }
    }
}

/// <summary>One running system per hosting mode, shared by the whole test assembly (started on first use).</summary>
public sealed class LocalSystems : IAsyncDisposable
{
    private readonly Dictionary<Hosting, Task<LocalSystem>> _systems = [];
    private readonly Lock _lock = new();

    public Task<LocalSystem> GetAsync(Hosting hosting)
    {
        lock (_lock)
        {
            if (!_systems.TryGetValue(hosting, out var system))
            {
                _systems[hosting] = system = LocalSystem.StartAsync(hosting);
            }

            return system;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems.Values)
        {
            await (await system).DisposeAsync();
        }
    }
}
