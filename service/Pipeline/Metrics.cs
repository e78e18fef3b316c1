using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.Pipeline;

/// <summary>One metrics record per API request, after the answer (errors included): the operation, model and tokens
/// the function reported as the request's usage (<see cref="IRequestUsage"/>), the status, the latency and the
/// estimated cost. Health probes are not counted.</summary>
public sealed partial class Metrics(RequestDelegate next, ProxyConfiguration configuration, IMetricsSink sink, TimeProvider time, ILogger<Metrics> logger)
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
        context.Features.Set<IRequestUsage>(metrics);
        var started = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started);
            var status = context.Response.StatusCode;
            if (metrics.ModelId is { } modelId)
            {
                GenAi.Record(GenAi.OperationOf(metrics.Operation ?? operation), modelId, metrics.InputTokens, metrics.OutputTokens, elapsed,
                    status >= 400 ? MetricNames.ErrorClass(status) : null);
            }

            // One line per request: what, how it ended, how long, how many tokens; never the prompt, answer or key.
            LogRequest(logger, context.Request.Method, context.Request.Path.Value, status, elapsed.TotalMilliseconds,
                metrics.Operation ?? operation, metrics.ModelAlias ?? "none", metrics.InputTokens, metrics.OutputTokens);
            if (sink.Enabled)
            {
                var options = configuration.Options;
                sink.Write(options.Telemetry.MetricsNamespace, new MetricsRecord(
                    options.Customer, options.Environment, StageOf(context, options), metrics.Operation ?? operation, metrics.ModelAlias ?? "none",
                    status, elapsed.TotalMilliseconds, metrics.TimeToFirstToken?.TotalMilliseconds,
                    metrics.InputTokens, metrics.OutputTokens,
                    metrics.ModelId is { } id ? NovaPrices.Estimate(id, metrics.InputTokens, metrics.OutputTokens, metrics.Tier) : null,
                    context.TraceIdentifier, time.GetUtcNow(), context.Features.Get<ApiKeyFeature>()?.Key.Name ?? "none",
                    context.Features.Get<LimitsDegradedFeature>() is not null));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs} ms ({Operation}, {ModelAlias}, {InputTokens} input and {OutputTokens} output tokens)")]
    private static partial void LogRequest(ILogger logger, string method, string? path, int status, double elapsedMs, string operation, string modelAlias, int inputTokens, int outputTokens);

    /// <summary>The configured stage, else the Lambda alias the caller invoked (arn:...:function:name:green), else
    /// "default" (an unqualified invocation or a plain server).</summary>
    internal static string StageOf(HttpContext context, ProxyOptions options) =>
        options.Stage is { Length: > 0 } stage ? stage
        : context.Features.Get<Lambda.ILambdaInvocationFeature>()?.FunctionArn?.Split(':') is { Length: 8 } arn && arn[7] != "$LATEST" ? arn[7]
        : "default";

    private static string? OperationOf(PathString path) => path.Value switch
    {
        "/v1/chat/completions" => "chat.completions",
        "/v1/responses" => "responses",
        "/v1/embeddings" => "embeddings",
        { } p when p.StartsWith("/v1/models", StringComparison.Ordinal) => "models",
        { } p when p.StartsWith("/v1/", StringComparison.Ordinal) => "other",
        _ => null,
    };
}

/// <summary>What one request did, as its usage was reported, written as one metrics record when the request ends.
/// Never holds prompts, answers or keys; the metrics count input and output tokens (cached ones are in the input).</summary>
internal sealed class RequestMetrics : IRequestUsage
{
    public string? Operation { get; set; }
    public string? ModelAlias { get; private set; }
    public string? ModelId { get; private set; }
    public int InputTokens { get; private set; }
    public int OutputTokens { get; private set; }
    public TimeSpan? TimeToFirstToken { get; private set; }
    public string? Tier { get; private set; }

    public void ModelChosen(string alias, string modelId, string? operation = null)
    {
        (ModelAlias, ModelId) = (alias, modelId);
        Operation = operation ?? Operation;
    }

    public void TokensUsed(TokenCounts tokens) => (InputTokens, OutputTokens, Tier) = (tokens.Input, tokens.Output, tokens.Tier);

    public void FirstTokenOut(TimeSpan sinceStart) => TimeToFirstToken ??= sinceStart;
}
