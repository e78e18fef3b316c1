using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Endpoints;
using BedrockNovaProxy.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BedrockNovaProxy.Emulators.Bedrock;

/// <summary>Builds the local Bedrock Runtime (and the STS that issues the temporary credentials it accepts). Used by
/// Program (standalone), the AppHost and the tests.</summary>
public static class BedrockEmulatorApp
{
    /// <summary>Where the emulator listens when neither --urls nor ASPNETCORE_URLS says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5005";

    public static WebApplication Build(string[] args, Action<BedrockEmulatorOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var options = builder.Configuration.GetSection("Emulator").Get<BedrockEmulatorOptions>() ?? new BedrockEmulatorOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<EmulatorStats>();
        builder.Services.AddSingleton(new FaultInjector(options.Faults));
        builder.Services.AddSingleton<RuntimeEndpoint>();
        builder.Services.AddSingleton<Sts.StsSessions>();
        builder.Services.AddSingleton<StsEndpoint>();
        services?.Invoke(builder.Services);
        builder.Services.TryAddSingleton(TimeProvider.System);

        var app = builder.Build();
        app.MapGet("/_emulator/health", () => Results.Text("ok"));
        app.MapGet("/_emulator/stats", (EmulatorStats stats) => Results.Json(stats.Snapshot()));
        app.MapPost("/model/{**rest}", (HttpContext context, RuntimeEndpoint endpoint) => endpoint.HandleAsync(context));
        // STS lives at the root of its own host in AWS; here it shares the emulator's (one AWS_ENDPOINT_URL for both).
        app.MapMethods("/", ["GET", "POST"], (HttpContext context, StsEndpoint endpoint) => endpoint.HandleAsync(context));
        return app;
    }
}
