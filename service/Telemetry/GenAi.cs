using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BedrockNovaProxy.Telemetry;

/// <summary>OpenTelemetry's GenAI semantic conventions (opentelemetry.io/docs/specs/semconv/gen-ai/): a client span
/// per Bedrock call, the token-usage and operation-duration histograms, and gen_ai.* attributes. Prompts and
/// answers are never recorded.</summary>
public static class GenAi
{
    public const string Name = "BedrockNovaProxy.GenAI";
    public const string System = "aws.bedrock";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Histogram<int> TokenUsage = Meter.CreateHistogram<int>("gen_ai.client.token.usage", "{token}", "Tokens used per request, by type.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Duration of GenAI operations.");

    /// <summary>The span around one Bedrock call ("chat amazon.nova-pro-v1:0"), or null when nobody listens.</summary>
    public static Activity? StartCall(string operation, string modelId)
    {
        var activity = Source.StartActivity($"{operation} {modelId}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", operation);
        activity?.SetTag("gen_ai.system", System);
        activity?.SetTag("gen_ai.request.model", modelId);
        return activity;
    }

    /// <summary>Records a finished request: the histograms, and its usage on the current (server) span.</summary>
    public static void Record(string operation, string modelId, int inputTokens, int outputTokens, TimeSpan duration, string? errorType)
    {
        // Nothing to build when no meter listener and no recorded span wants it (the usual case without an exporter).
        if (Duration.Enabled || TokenUsage.Enabled)
        {
            var tags = new TagList { { "gen_ai.operation.name", operation }, { "gen_ai.system", System }, { "gen_ai.request.model", modelId } };
            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            Duration.Record(duration.TotalSeconds, tags);
            if (errorType is null)
            {
                TokenUsage.Record(inputTokens, [.. tags, new("gen_ai.token.type", "input")]);
                TokenUsage.Record(outputTokens, [.. tags, new("gen_ai.token.type", "output")]);
            }
        }

        if (Activity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag("gen_ai.request.model", modelId);
            span.SetTag("gen_ai.usage.input_tokens", inputTokens);
            span.SetTag("gen_ai.usage.output_tokens", outputTokens);
        }
    }

    /// <summary>The GenAI operation name of a proxy operation: chat completions and responses are both "chat".</summary>
    public static string OperationOf(string operation) =>
        operation.StartsWith("chat", StringComparison.Ordinal) || operation.StartsWith("responses", StringComparison.Ordinal) ? "chat" : operation;
}
