using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Endpoints;
using BedrockNovaProxy.ServiceDefaults;
using BedrockNovaProxy.Timing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BedrockNovaProxy.Emulators.Bedrock;

/// <summary>Builds the local Bedrock Runtime (and the STS that issues the temporary credentials it accepts). Used by
/// Program (standalone), the AppHost and the tests.</summary>
public static class BedrockEmulatorApp
{
    /// <summary>Where the emulator listens when neither --urls nor ASPNETCORE_URLS says otherwise (HTTP/1.1)...</summary>
    public const string DefaultUrl = "http://127.0.0.1:5005";

    /// <summary>...and then, unless Emulator:Http2Url and Emulator:HttpsUrl say otherwise, h2c and HTTPS (h2, http/1.1).</summary>
    public const string DefaultHttp2Url = "http://127.0.0.1:5006";

    public const string DefaultHttpsUrl = "https://127.0.0.1:5443";

    public static WebApplication Build(string[] args, Action<BedrockEmulatorOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        var options = builder.Configuration.GetSection("Emulator").Get<BedrockEmulatorOptions>() ?? new BedrockEmulatorOptions();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            options.Http2Url ??= DefaultHttp2Url;
            options.HttpsUrl ??= DefaultHttpsUrl;
        }

        configure?.Invoke(options);
        var stats = new EmulatorStats();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(stats);
        // A factory, so that the container disposes it (the certificates, and the CA's temporary folder).
        var endpoints = Transport.EmulatorEndpoints.Configure(builder, options, DefaultUrl, stats);
        builder.Services.AddSingleton(_ => endpoints);
        var injected = new InjectedFaults(options.Faults.Seed);
        builder.Services.AddSingleton(injected);
        builder.Services.AddSingleton(new FaultInjector(options.Faults, injected));
        builder.Services.AddSingleton<RuntimeEndpoint>();
        builder.Services.AddSingleton<Sts.StsSessions>();
        builder.Services.AddSingleton<StsEndpoint>();
        services?.Invoke(builder.Services);
        // Emulated latency is paced to the token (400 tokens/s is a token every 2.5 ms), finer than .NET's timers keep.
        builder.Services.TryAddSingleton<TimeProvider>(PreciseTimeProvider.Instance);

        var app = builder.Build();
        _ = app.Services.GetRequiredService<Transport.EmulatorEndpoints>();
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/_emulator"))
            {
                stats.Served(context.Request.Protocol);
            }

            return next(context);
        });
        app.MapGet("/_emulator/health", () => Results.Text("ok"));
        app.MapGet("/_emulator/stats", (EmulatorStats stats) => Results.Json(stats));
        ControlEndpoint.Map(app);
        app.MapPost("/model/{**rest}", (HttpContext context, RuntimeEndpoint endpoint) => endpoint.HandleAsync(context));
        // STS lives at the root of its own host in AWS; here it shares the emulator's (one AWS_ENDPOINT_URL for both).
        app.MapMethods("/", ["GET", "POST"], (HttpContext context, StsEndpoint endpoint) => endpoint.HandleAsync(context));
        return app;
    }
}
