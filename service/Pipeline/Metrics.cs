using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Pipeline;

/// <summary>One metrics record per API request, after the answer (errors included): the operation and model the
/// function reported, the status, the latency, tokens and estimated cost. Health probes are not counted.</summary>
public sealed class Metrics(RequestDelegate next, ProxyConfiguration configuration, IMetricsSink sink, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var operation = OperationOf(context.Request.Path);
        if (operation is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var metrics = new RequestMetrics { Operation = operation };
        context.Features.Set(metrics);
        var started = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var options = configuration.Options;
            sink.Write(Emf.Line(options.Telemetry.MetricsNamespace, new MetricsRecord(
                options.Customer, options.Environment, metrics.Operation ?? operation, metrics.ModelAlias ?? "none",
                context.Response.StatusCode, time.GetElapsedTime(started).TotalMilliseconds, metrics.TimeToFirstToken?.TotalMilliseconds,
                metrics.InputTokens, metrics.OutputTokens,
                metrics.ModelId is { } id ? NovaPrices.Estimate(id, metrics.InputTokens, metrics.OutputTokens) : null,
                context.TraceIdentifier, time.GetUtcNow())));
        }
    }

    /// <summary>Marks the moment the first answer token went out (streams).</summary>
    public static void FirstToken(HttpContext context, TimeSpan sinceStart)
    {
        if (context.Features.Get<RequestMetrics>() is { TimeToFirstToken: null } metrics)
        {
            metrics.TimeToFirstToken = sinceStart;
        }
    }

    public static void Model(HttpContext context, string alias, string modelId, string? operation = null)
    {
        if (context.Features.Get<RequestMetrics>() is { } metrics)
        {
            (metrics.ModelAlias, metrics.ModelId) = (alias, modelId);
            metrics.Operation = operation ?? metrics.Operation;
        }
    }

    public static void Tokens(HttpContext context, int input, int output)
    {
        if (context.Features.Get<RequestMetrics>() is { } metrics)
        {
            (metrics.InputTokens, metrics.OutputTokens) = (input, output);
        }
    }

    private static string? OperationOf(PathString path) => path.Value switch
    {
        "/v1/chat/completions" => "chat.completions",
        "/v1/embeddings" => "embeddings",
        { } p when p.StartsWith("/v1/models", StringComparison.Ordinal) => "models",
        { } p when p.StartsWith("/v1/", StringComparison.Ordinal) => "other",
        _ => null,
    };
}

/// <summary>The sink that drops metric lines, where EMF is off.</summary>
public sealed class NoMetricsSink : IMetricsSink
{
    public void Write(string line)
    {
    }
}
