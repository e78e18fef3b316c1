using BedrockNovaProxy.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace BedrockNovaProxy.Lambda;

/// <summary>An <see cref="IServer"/> that takes its requests from the Lambda Runtime API instead of a socket: each
/// invocation's event becomes an HttpContext that runs through the same pipeline Kestrel would run it through.
/// Several loops poll /next when the platform allows concurrent invocations (AWS_LAMBDA_MAX_CONCURRENCY).</summary>
public sealed partial class LambdaRuntimeServer(
    IConfiguration configuration,
    ProxyConfiguration proxy,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<LambdaRuntimeServer> logger,
    Limits.UsageLog? usage = null) : IServer
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private RuntimeApiClient? _runtime;

    public IFeatureCollection Features { get; } = CreateFeatures();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _runtime = new RuntimeApiClient(configuration[RuntimeApiVariable]!);
        var concurrency = proxy.Options.Lambda.Concurrency;
        LogStarting(logger, configuration[RuntimeApiVariable]!, concurrency, proxy.Options.Lambda.Streaming);
        for (var i = 0; i < concurrency; i++)
        {
            _loops.Add(Task.Run(() => LoopAsync(application, _runtime, _stopping.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    private async Task LoopAsync<TContext>(IHttpApplication<TContext> application, RuntimeApiClient runtime, CancellationToken stopping)
        where TContext : notnull
    {
        while (!stopping.IsCancellationRequested)
        {
            LambdaInvocation invocation;
            try
            {
                invocation = await runtime.NextAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (LambdaRuntimeException e)
            {
                // The Runtime API's own failure (500 "container error") is not recoverable: the docs say exit.
                LogRuntimeFailure(logger, e);
                lifetime.StopApplication();
                return;
            }
            catch (HttpRequestException e)
            {
                LogRuntimeFailure(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ConfigureAwait(false);
                continue;
            }

            try
            {
                await HandleAsync(application, runtime, invocation, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // One invocation must never end the loop: report it as that invocation's error and take the next.
                LogInvocationFailure(logger, e, invocation.RequestId);
                await Deliver(() => runtime.PostErrorAsync(invocation.RequestId, "Runtime.Unknown", "The invocation failed.", stopping), invocation).ConfigureAwait(false);
            }

            if (usage is not null)
            {
                // Before asking for the next invocation: Lambda may freeze the sandbox until then, or for good.
                await usage.FlushAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync<TContext>(IHttpApplication<TContext> application, RuntimeApiClient runtime, LambdaInvocation invocation, CancellationToken stopping)
        where TContext : notnull
    {
        // The X-Ray trace id of the invocation, as the custom runtime contract asks (process-wide, as every runtime does).
        if (invocation.TraceId is { } traceId)
        {
            Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", traceId);
        }

        LambdaRequest request;
        try
        {
            request = LambdaEvents.Parse(invocation.Event);
        }
        catch (Exception e) when (e is LambdaEventException or JsonException)
        {
            LogBadEvent(logger, invocation.RequestId, e.Message);
            await Deliver(() => runtime.PostErrorAsync(invocation.RequestId, "Runtime.InvalidEvent", e.Message, stopping), invocation).ConfigureAwait(false);
            return;
        }

        // ALB cannot stream; API Gateway REST and Function URLs do when the integration says so.
        var streaming = proxy.Options.Lambda.Streaming && request.Format != LambdaEventFormat.Alb;
        var features = new InvocationFeatures(request, invocation, runtime, streaming);
        var context = application.CreateContext(features.ToCollection());
        Exception? failure = null;
        try
        {
            await application.ProcessRequestAsync(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        await Deliver(() => failure is null ? features.FinishAsync(stopping) : features.FailAsync(failure, stopping), invocation).ConfigureAwait(false);
        application.DisposeContext(context, failure);
    }

    private async Task Deliver(Func<Task> send, LambdaInvocation invocation)
    {
        try
        {
            await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDeliveryFailure(logger, e, invocation.RequestId);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _runtime?.Dispose();
    }

    private static FeatureCollection CreateFeatures()
    {
        var features = new FeatureCollection();
        features.Set<IServerAddressesFeature>(new ServerAddressesFeature());
        return features;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving Lambda invocations from the Runtime API at {RuntimeApi} ({Concurrency} at a time, streaming {Streaming})")]
    private static partial void LogStarting(ILogger logger, string runtimeApi, int concurrency, bool streaming);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Lambda Runtime API failed")]
    private static partial void LogRuntimeFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation {RequestId} carried an event that is not an HTTP request: {Reason}")]
    private static partial void LogBadEvent(ILogger logger, string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId} failed outside the request pipeline")]
    private static partial void LogInvocationFailure(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The response of invocation {RequestId} could not be delivered")]
    private static partial void LogDeliveryFailure(ILogger logger, Exception exception, string requestId);

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = [];
        public bool PreferHostingUrls { get; set; }
    }
}
