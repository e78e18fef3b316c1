using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock;
using BedrockNovaProxy.Emulators.Bedrock.Transport;
using BedrockNovaProxy.Emulators.Lambda;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Local;

/// <summary>How the proxy is hosted: under Kestrel as in a container, or as a Lambda worker behind the local
/// API Gateway (REST API, Lambda proxy integration), answering buffered or streamed. Each calls the local Bedrock over
/// plain HTTP/1.1, except <see cref="KestrelHttp2"/>.</summary>
public enum Hosting
{
    Kestrel,
    LambdaBuffered,
    LambdaStreaming,

    /// <summary>Under Kestrel, calling the local Bedrock as production calls Bedrock: HTTPS, HTTP/2 by ALPN, the
    /// emulator's certificate trusted through Proxy:Bedrock:CaBundle (the CA it generated at start).</summary>
    KestrelHttp2,
}

public static class HostingExtensions
{
    /// <summary>The proxy runs as a Lambda worker behind the local API Gateway.</summary>
    public static bool IsLambda(this Hosting hosting) => hosting is Hosting.LambdaBuffered or Hosting.LambdaStreaming;
}

/// <summary>The local Bedrock and the proxy pointed at it, each on a free 127.0.0.1 port, the proxy configured with
/// a customer's aliases as a deployment would configure it and signing with the emulator's test credentials.</summary>
public sealed class InProcessStack : IAsyncDisposable
{
    private readonly WebApplication _emulator;
    private readonly WebApplication _proxy;

    private readonly LambdaEmulatorHost? _lambda;

    private InProcessStack(WebApplication emulator, WebApplication proxy, LambdaEmulatorHost? lambda)
    {
        _emulator = emulator;
        _proxy = proxy;
        _lambda = lambda;
        var endpoints = emulator.Services.GetRequiredService<EmulatorEndpoints>();
        BedrockUrl = endpoints.HttpsUrl ?? endpoints.Http1Url!;
        ProxyUrl = lambda is null ? new Uri(proxy.Urls.First() + "/") : new Uri(lambda.ApiGatewayUrl, Stage + "/");
    }

    /// <summary>The API Gateway stage the Lambda modes call through.</summary>
    public const string Stage = "prod";

    public LambdaEmulatorStats? LambdaStats => _lambda?.Stats;

    public Uri ProxyUrl { get; }

    /// <summary>The proxy's services (its shared limits and usage log, for the tests that read them).</summary>
    public IServiceProvider ProxyServices => _proxy.Services;

    /// <summary>The local Bedrock's endpoint the proxy calls.</summary>
    public Uri BedrockUrl { get; }

    /// <summary>Every endpoint the local Bedrock listens on, and the CA bundle of its HTTPS one.</summary>
    public EmulatorEndpoints BedrockEndpoints => _emulator.Services.GetRequiredService<EmulatorEndpoints>();

    public EmulatorStats BedrockStats => _emulator.Services.GetRequiredService<EmulatorStats>();

    /// <summary>The temporary credentials the emulated STS has issued (to the proxy, when it assumes a role).</summary>
    public BedrockNovaProxy.Emulators.Bedrock.Sts.StsSessions StsSessions =>
        _emulator.Services.GetRequiredService<BedrockNovaProxy.Emulators.Bedrock.Sts.StsSessions>();

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
        ["Proxy:ModelAliases:5:Alias"] = "nova-embed",
        ["Proxy:ModelAliases:5:Model"] = "amazon.nova-2-multimodal-embeddings-v1:0",
        ["Proxy:Auth:Keys:0:Name"] = "test",
        ["Proxy:Auth:Keys:0:Sha256"] = "dd8231a9d6680e59d85269235f4a38b78260a0ae6fef86fc0610794c2903152c",
    };

    /// <summary>The API key the stack accepts (its SHA-256 is what the proxy is configured with).</summary>
    public const string ApiKey = "sk-local-test";

    /// <param name="settings">Proxy configuration on top of <see cref="CustomerSettings"/>.</param>
    /// <param name="proxyTime">The proxy's clock, and the local Lambda's (invocation deadlines, API Gateway timeouts):
    /// one clock for the platform and its worker. A FakeTimeProvider lets a test move deadlines without waiting.</param>
    /// <param name="bedrock">Emulator options (latency, random faults, roles STS refuses).</param>
    /// <param name="bedrockTime">The emulator's clock (signature times, session expiry): the proxy's FakeTimeProvider
    /// when a test moves time by hours, so that both sides see the same hour.</param>
    /// <param name="lambdaOptions">Local Lambda options (function timeout...) in the Lambda modes.</param>
    /// <param name="testCustomer">Start from <see cref="CustomerSettings"/>; false when <paramref name="settings"/> is a
    /// whole customer's configuration (gitops rehearse), so that no test alias or key is left over.</param>
    public static async Task<InProcessStack> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? proxyTime = null, Action<BedrockEmulatorOptions>? bedrock = null,
        Hosting hosting = Hosting.Kestrel, Action<IServiceCollection>? proxyServices = null, TimeProvider? bedrockTime = null,
        Action<LambdaEmulatorOptions>? lambdaOptions = null, bool testCustomer = true)
    {
        LambdaEmulatorHost? lambda = null;
        if (hosting.IsLambda())
        {
            lambda = LambdaEmulatorApp.Build([], o =>
            {
                o.Streaming = hosting == Hosting.LambdaStreaming;
                lambdaOptions?.Invoke(o);
            }, proxyTime);
            await lambda.StartAsync();
        }

        var emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], o =>
        {
            if (hosting == Hosting.KestrelHttp2)
            {
                o.HttpsUrl = "https://127.0.0.1:0";
            }

            bedrock?.Invoke(o);
        }, bedrockTime is null ? null : s => s.AddSingleton(bedrockTime));
        await emulator.StartAsync();
        var endpoints = emulator.Services.GetRequiredService<EmulatorEndpoints>();
        var bedrockUrl = (endpoints.HttpsUrl ?? endpoints.Http1Url!).ToString();

        var proxy = ProxyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            if (testCustomer)
            {
                builder.Configuration.AddInMemoryCollection(CustomerSettings);
            }
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Proxy:Bedrock:Region"] = LocalCredentials.Region,
                ["Proxy:Bedrock:Endpoint"] = bedrockUrl,
                // Used only when a test sets Proxy:Bedrock:AssumeRoleArn: the emulator is STS too.
                ["Proxy:Bedrock:StsEndpoint"] = bedrockUrl,
                ["Proxy:Bedrock:CaBundle"] = endpoints.CaBundlePath,
            });
            if (lambda is not null)
            {
                // What Lambda's environment gives the worker; several loops stand in for several sandboxes.
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AWS_LAMBDA_RUNTIME_API"] = lambda.RuntimeApi,
                    ["Proxy:Lambda:Streaming"] = lambda.Options.Streaming ? "true" : "false",
                    ["Proxy:Lambda:Concurrency"] = "16",
                });
            }

            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            // The proxy's own identity; with AssumeRoleArn it only signs the AssumeRole call.
            builder.Services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey));
            if (proxyTime is not null)
            {
                builder.Services.AddSingleton(proxyTime);
            }

            proxyServices?.Invoke(builder.Services);
        });
        await proxy.StartAsync();
        if (lambda is not null)
        {
            await lambda.WaitForWorkerAsync(CancellationToken.None);
        }

        return new InProcessStack(emulator, proxy, lambda);
    }

    public async ValueTask DisposeAsync()
    {
        // The worker before its platform: a Lambda emulator stopped first would reset the worker's pending /next.
        await _proxy.DisposeAsync();
        if (_lambda is not null)
        {
            await _lambda.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }
}
