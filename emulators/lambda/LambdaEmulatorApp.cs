using BedrockNovaProxy.Emulators.Lambda.Front;
using BedrockNovaProxy.Emulators.Lambda.Runtime;
using BedrockNovaProxy.ServiceDefaults;

namespace BedrockNovaProxy.Emulators.Lambda;

/// <summary>The local Lambda: the Runtime API on one port (its address goes into the worker's AWS_LAMBDA_RUNTIME_API)
/// and the API Gateway front on another.</summary>
public sealed class LambdaEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _runtime;
    private readonly WebApplication _front;

    internal LambdaEmulatorHost(WebApplication runtime, WebApplication front, InvocationQueue queue, LambdaEmulatorStats stats, LambdaEmulatorOptions options)
    {
        _runtime = runtime;
        _front = front;
        Queue = queue;
        Stats = stats;
        Options = options;
    }

    public LambdaEmulatorStats Stats { get; }

    public LambdaEmulatorOptions Options { get; }

    internal InvocationQueue Queue { get; }

    /// <summary>host:port, the value of AWS_LAMBDA_RUNTIME_API for a worker.</summary>
    public string RuntimeApi => new Uri(_runtime.Urls.First()).Authority;

    /// <summary>The front's base URL; REST and HTTP API paths start with the stage (/prod/v1/models).</summary>
    public Uri ApiGatewayUrl => new(_front.Urls.First() + "/");

    /// <summary>The last start-up failure a worker reported to /runtime/init/error, if any.</summary>
    public string? InitError => Queue.InitError;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _runtime.StartAsync(cancellationToken);
        await _front.StartAsync(cancellationToken);
    }

    /// <summary>Completes when a worker first asks for an invocation: a readiness signal, so nobody sleeps.</summary>
    public Task WaitForWorkerAsync(CancellationToken cancellationToken) => Queue.WorkerPolled.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _front.DisposeAsync();
        await _runtime.DisposeAsync();
    }
}

public static class LambdaEmulatorApp
{
    public static LambdaEmulatorHost Build(string[] args, Action<LambdaEmulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var options = configuration.GetSection("Emulator").Get<LambdaEmulatorOptions>() ?? new LambdaEmulatorOptions();
        configure?.Invoke(options);
        time ??= TimeProvider.System;
        var queue = new InvocationQueue();
        var stats = new LambdaEmulatorStats();

        var runtime = Listen(args, options.RuntimePort);
        RuntimeApi.Map(runtime, queue, options);

        var front = Listen(args, options.ApiPort);
        var gateway = new ApiGatewayFront(options, queue, stats, time);
        front.MapGet("/_emulator/health", () => Results.Text("ok"));
        front.MapGet("/_emulator/stats", () => Results.Json(stats.Snapshot()));
        front.Map("/{**path}", gateway.HandleAsync);
        return new LambdaEmulatorHost(runtime, front, queue, stats, options);
    }

    private static WebApplication Listen(string[] args, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
