using System.Net;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Functions;
using BedrockNovaProxy.Lambda;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BedrockNovaProxy;

/// <summary>Composes the proxy: one worker process with its own host, DI and middleware. The same app serves
/// under Kestrel (containers, laptops) and on the Lambda Runtime API.</summary>
public static class ProxyApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.UseLambdaRuntimeWhenPresent();
        builder.AddServiceDefaults();
        if (OnAws(builder.Configuration) && string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            // CloudWatch Logs indexes JSON: one object per line, with the request's ids from its scope.
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var configuration = ProxyConfiguration.Load(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.AddKeyedSingleton(IAwsCredentialSource.Bedrock, (sp, _) => BedrockCredentials(sp, configuration));
        if (configuration.AssumeRole is { } role)
        {
            // AWS's STS client, signed with the proxy's own credentials; the container disposes it.
            // With a CA bundle, STS's certificate must chain to it too (through a client of the proxy's own).
            services.AddSingleton(sp => new Bedrock.Sts.StsClient(role.StsEndpoint, role.SigningRegion,
                sp.GetRequiredService<IAwsCredentialSource>(), sp.GetRequiredService<TimeProvider>(), configuration.Options.Bedrock.ConnectTimeout,
                configuration.TrustedRoots is null ? null : new TrustingHttpClientFactory(configuration)));
        }

        services.AddSingleton(sp => new BedrockRuntimeClient(
            new HttpMessageInvoker(CreateHandler(configuration)),
            new SigV4Signer(configuration.BedrockEndpoint, configuration.Region),
            sp.GetRequiredKeyedService<IAwsCredentialSource>(IAwsCredentialSource.Bedrock),
            sp.GetRequiredService<TimeProvider>(),
            configuration.Options.Bedrock.RequestTimeout,
            AwsHttpVersion,
            AwsHttpVersionPolicy));
        services.AddSingleton(sp => Auth.ApiKeys.From(configuration.Options.Auth, configuration.Models, sp.GetRequiredService<TimeProvider>()));
        AddLimits(services, configuration);
        services.AddSingleton<Upstream>();
        services.AddSingleton<Images.ImageFetcher>();
        services.AddSingleton<Telemetry.PromptLog>();
        services.TryAddSingleton<Telemetry.IMetricsSink>(EmfEnabled(configuration, builder.Configuration) ? new Telemetry.StdoutMetricsSink() : new Telemetry.NoMetricsSink());
        // A failed probe names the CA bundle in force, the usual suspect when a TLS handshake fails.
        var trusted = configuration.CaBundlePath is { } bundle ? $" The CAs trusted are those of {bundle} ({CaBundle.Keys})." : "";
        services.AddSingleton(sp => new Readiness(sp.GetRequiredKeyedService<IAwsCredentialSource>(IAwsCredentialSource.Bedrock), sp.GetRequiredService<TimeProvider>(),
            async ct => await sp.GetRequiredService<BedrockRuntimeClient>().ProbeAsync(ct).ConfigureAwait(false) is { } reason ? reason + trusted : null));
        services.AddSingleton<Health>();
        services.AddSingleton<Ready>();
        services.AddSingleton<Models>();
        services.AddSingleton<ConverseFlow>();
        services.AddSingleton<ChatCompletions>();
        services.AddSingleton<Responses>();
        services.AddSingleton<StoredResponses>();
        services.AddSingleton<Embeddings>();
        services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = configuration.Options.Limits.MaxRequestBodyBytes;
            o.AddServerHeader = false;
        });
        // A connection's receive buffer is taken when the connection opens rather than once data is known to be there:
        // that knowing cost a system call per request (a one-byte MSG_PEEK), for 4 KiB held per idle connection.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.WaitForDataBeforeAllocatingBuffer = false);

        var app = builder.Build();
        app.UseMiddleware<RequestId>();
        app.UseMiddleware<Metrics>();
        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<Deadline>();
        app.UseMiddleware<Authentication>();
        app.MapFunction<Health>("GET", "/health");
        app.MapFunction<Ready>("GET", "/ready");
        app.MapFunction<Models>("GET", "/v1/models");
        app.MapFunction<Models>("GET", "/v1/models/{**id}");
        app.MapFunction<ChatCompletions>("POST", "/v1/chat/completions");
        app.MapFunction<Responses>("POST", "/v1/responses");
        app.MapFunction<StoredResponses>("GET", "/v1/responses/{id}");
        app.MapFunction<StoredResponses>("DELETE", "/v1/responses/{id}");
        app.MapFunction<StoredResponses>("POST", "/v1/responses/{id}/cancel");
        app.MapFunction<StoredResponses>("GET", "/v1/responses/{id}/input_items");
        app.MapFunction<Embeddings>("POST", "/v1/embeddings");
        return app;
    }

    /// <summary>Limits and budgets: shared through the customer environment's DynamoDB table when Proxy:SharedLimits:Table
    /// is set (with the usage log writing behind the answers), per process otherwise.</summary>
    private static void AddLimits(IServiceCollection services, ProxyConfiguration configuration)
    {
        var shared = configuration.Options.SharedLimits;
        services.AddSingleton<Limits.LimitsMetrics>();
        if (shared.Table is { Length: > 0 } table)
        {
            services.TryAddSingleton<Amazon.DynamoDBv2.IAmazonDynamoDB>(sp =>
            {
                var config = new Amazon.DynamoDBv2.AmazonDynamoDBConfig { MaxErrorRetry = 0, Timeout = shared.Timeout };
                if (shared.ServiceUrl is { Length: > 0 } url)
                {
                    (config.ServiceURL, config.AuthenticationRegion) = (url, configuration.Region);
                }
                else
                {
                    config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(configuration.Region);
                }

                return new Amazon.DynamoDBv2.AmazonDynamoDBClient(new Bedrock.Sts.CallerCredentials(sp.GetRequiredService<IAwsCredentialSource>()), config);
            });
            services.AddSingleton<Limits.ILimitStore>(sp => new Limits.DynamoLimitStore(sp.GetRequiredService<Amazon.DynamoDBv2.IAmazonDynamoDB>(), table));
            services.AddSingleton(sp => new Limits.UsageLog(sp.GetRequiredService<Limits.ILimitStore>(), shared, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Limits.LimitsMetrics>()));
            services.AddHostedService(sp => sp.GetRequiredService<Limits.UsageLog>());
        }

        services.AddSingleton(sp => new Limits.SharedLimits(configuration.Options, sp.GetService<Limits.ILimitStore>(), sp.GetService<Limits.UsageLog>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Limits.LimitsMetrics>()));
    }

    /// <summary>The proxy's own credentials, or, with Proxy:Bedrock:AssumeRoleArn, the role they assume through STS.</summary>
    private static IAwsCredentialSource BedrockCredentials(IServiceProvider services, ProxyConfiguration configuration)
    {
        var own = services.GetRequiredService<IAwsCredentialSource>();
        if (configuration.AssumeRole is not { } role)
        {
            return own;
        }

        return Bedrock.Sts.AssumeRoleCredentialSource.Create(new Bedrock.Sts.AssumeRoleRequest(role.RoleArn, role.SessionName, role.ExternalId),
            services.GetRequiredService<Bedrock.Sts.StsClient>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<Bedrock.Sts.AssumeRoleCredentialSource>>());
    }

    /// <summary>EMF lines are only useful where stdout reaches CloudWatch Logs: on Lambda and ECS unless told otherwise.</summary>
    private static bool EmfEnabled(ProxyConfiguration proxy, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        proxy.Options.Telemetry.Emf ?? OnAws(configuration);

    private static bool OnAws(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        LambdaHosting.IsLambda(configuration) || !string.IsNullOrEmpty(configuration["ECS_CONTAINER_METADATA_URI_V4"]);

    // Every AWS call the proxy makes: HTTP/2 where the endpoint offers it by ALPN (Bedrock does), else HTTP/1.1.
    private static readonly Version AwsHttpVersion = HttpVersion.Version20;
    private const HttpVersionPolicy AwsHttpVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>The connection pool of the process's AWS calls: keep-alive connections, recycled every few minutes so DNS
    /// changes are seen; HTTP/2 where the endpoint offers it by ALPN (Bedrock does), many streams on one connection.
    /// Timeouts are per call (BedrockRuntimeClient), not here. With a CA bundle, the endpoints' certificates must chain
    /// to it.</summary>
    private static SocketsHttpHandler CreateHandler(ProxyConfiguration configuration)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = configuration.Options.Bedrock.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            EnableMultipleHttp2Connections = true,
        };
        if (configuration.TrustedRoots is { } roots)
        {
            handler.SslOptions.CertificateChainPolicy = CaBundle.Policy(roots);
        }

        return handler;
    }

    /// <summary>Hands AWS's STS client the proxy's HttpClient, whose TLS trusts the CA bundle only.</summary>
    private sealed class TrustingHttpClientFactory(ProxyConfiguration configuration) : Amazon.Runtime.HttpClientFactory
    {
        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(CreateHandler(configuration))
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = AwsHttpVersion,
            DefaultVersionPolicy = AwsHttpVersionPolicy,
        };
    }
}
