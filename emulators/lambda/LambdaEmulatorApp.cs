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
    private readonly Sandbox? _sandbox;

    internal LambdaEmulatorHost(WebApplication runtime, WebApplication front, InvocationQueue queue, LambdaEmulatorStats stats, LambdaEmulatorOptions options, Sandbox? sandbox)
    {
        _runtime = runtime;
        _front = front;
        _sandbox = sandbox;
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

    /// <summary>Runtime processes the emulator started (Emulator:Worker): one per cold start.</summary>
    public int WorkerStarts => _sandbox?.Starts ?? 0;

    /// <summary>Completes when either listener's host is told to stop (SIGTERM, Ctrl+C): both share one fate.</summary>
    public Task WaitForShutdownAsync() => Task.WhenAny(_front.WaitForShutdownAsync(), _runtime.WaitForShutdownAsync());

    public async ValueTask DisposeAsync()
    {
        // The function's process first: it must not poll a Runtime API that is going away.
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

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
        var queue = new InvocationQueue(time);
        var stats = new LambdaEmulatorStats();

        var runtime = Listen(args, options.RuntimePort);
        RuntimeApi.Map(runtime, queue, options);
        var sandbox = string.IsNullOrWhiteSpace(options.Worker.Command) ? null : new Sandbox(options, queue, () => new Uri(runtime.Urls.First()).Authority);

        var front = Listen(args, options.ApiPort);
        var gateway = new ApiGatewayFront(options, queue, stats, time, sandbox is null ? null : sandbox.EnsureStarted);
        front.MapGet("/_emulator/health", () => Results.Text("ok"));
        front.MapGet("/_emulator/stats", () => Results.Json(stats));
        front.Map("/{**path}", gateway.HandleAsync);
        return new LambdaEmulatorHost(runtime, front, queue, stats, options, sandbox);
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
