extern alias emulator;

using System.ClientModel;
using System.ClientModel.Primitives;
using BedrockNovaProxy.Emulators.Stack;
using emulator::BedrockNovaProxy.Emulators.Bedrock;
using OpenAI;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The whole system on 127.0.0.1 (the in-process stack), with the clients the suite uses.</summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly InProcessStack _stack;

    private LocalSystem(InProcessStack stack)
    {
        _stack = stack;
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

    public static async Task<LocalSystem> StartAsync(Hosting hosting, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? proxyTime = null) =>
        new(await InProcessStack.StartAsync(Merge(TestSettings, settings), proxyTime, hosting: hosting));

    /// <summary>A body limit under API Gateway's own, as a deployment sets it, so the proxy's 413 is what the test meets.</summary>
    private static readonly IReadOnlyDictionary<string, string?> TestSettings = new Dictionary<string, string?>
    {
        ["Proxy:Limits:MaxRequestBodyBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
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
