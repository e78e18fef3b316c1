extern alias emulator;

using System.ClientModel;
using System.ClientModel.Primitives;
using BedrockNovaProxy.Bedrock;
using emulator::BedrockNovaProxy.Emulators.Bedrock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>How the proxy is hosted in a test run: the one suite runs against each.</summary>
public enum Hosting
{
    Kestrel,
}

/// <summary>The whole system on 127.0.0.1: the Bedrock emulator and the proxy pointed at it, each on a free port,
/// with the customer's aliases configured as a deployment would configure them.</summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly WebApplication _emulator;
    private readonly WebApplication _proxy;

    private LocalSystem(WebApplication emulator, WebApplication proxy, Uri baseUrl)
    {
        _emulator = emulator;
        _proxy = proxy;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl };
        OpenAi = new OpenAIClient(new ApiKeyCredential("sk-local-test"), new OpenAIClientOptions
        {
            Endpoint = new Uri(baseUrl, "v1/"),
            // The suite asserts the first answer; the SDK's own retries would hide it.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public OpenAIClient OpenAi { get; }

    public EmulatorStats BedrockStats => _emulator.Services.GetRequiredService<EmulatorStats>();

    public static readonly IReadOnlyDictionary<string, string?> CustomerSettings = new Dictionary<string, string?>
    {
        ["Proxy:Customer"] = "acme",
        ["Proxy:Environment"] = "test",
        ["Proxy:ModelAliases:0:Alias"] = "gpt-4o",
        ["Proxy:ModelAliases:0:Model"] = "amazon.nova-pro-v1:0",
        ["Proxy:ModelAliases:1:Alias"] = "gpt-4o-mini",
        ["Proxy:ModelAliases:1:Model"] = "amazon.nova-lite-v1:0",
        ["Proxy:ModelAliases:2:Alias"] = "gpt-3.5-turbo",
        ["Proxy:ModelAliases:2:Model"] = "amazon.nova-micro-v1:0",
        ["Proxy:ModelAliases:3:Alias"] = "text-embedding-3-small",
        ["Proxy:ModelAliases:3:Model"] = "amazon.titan-embed-text-v2:0",
        ["Proxy:ModelAliases:4:Alias"] = "gpt-5-mini",
        ["Proxy:ModelAliases:4:Model"] = "us.amazon.nova-2-lite-v1:0",
    };

    /// <param name="settings">Proxy configuration on top of <see cref="CustomerSettings"/>.</param>
    /// <param name="proxyTime">The proxy's clock; a FakeTimeProvider lets a test move deadlines without waiting.</param>
    public static async Task<LocalSystem> StartAsync(Hosting hosting, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? proxyTime = null)
    {
        var emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0"]);
        await emulator.StartAsync();
        var bedrockUrl = emulator.Urls.First();

        var proxy = ProxyApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(CustomerSettings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Proxy:Bedrock:Region"] = LocalCredentials.Region,
                ["Proxy:Bedrock:Endpoint"] = bedrockUrl,
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.Services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey));
            if (proxyTime is not null)
            {
                builder.Services.AddSingleton(proxyTime);
            }
        });
        await proxy.StartAsync();
        return new LocalSystem(emulator, proxy, new Uri(proxy.Urls.First() + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _proxy.DisposeAsync();
        await _emulator.DisposeAsync();
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
