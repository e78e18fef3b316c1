using System.Buffers;
using System.Text;

namespace BedrockNovaProxy.Telemetry;

/// <summary>One finished request, as the metrics need it.</summary>
public sealed record MetricsRecord(
    string Customer,
    string Environment,
    string Stage,
    string Operation,
    string ModelAlias,
    int Status,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    int InputTokens,
    int OutputTokens,
    decimal? EstimatedCostUsd,
    string RequestId,
    DateTimeOffset Timestamp,
    string ApiKey = "none",
    bool LimitsDegraded = false);

/// <summary>CloudWatch Embedded Metric Format (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
/// CloudWatch_Embedded_Metric_Format_Specification.html): one JSON line per request, two directives, with the names and
/// dimension sets of <see cref="MetricNames"/>. Pure.</summary>
public static class Emf
{
    // The metrics a line declares: all but TimeToFirstToken (streams only) and EstimatedCostUSD (priced models only)
    // when the record lacks them. Four fixed lists, so no line builds its own.
    private static readonly string[][] DeclaredMetrics =
    [
        Declared(ttft: false, cost: false), Declared(ttft: true, cost: false), Declared(ttft: false, cost: true), Declared(ttft: true, cost: true),
    ];

    private static readonly string[] ErrorMetrics = ["Errors"];

    /// <summary>The line as text (tests and tools); the proxy writes it as UTF-8 with <see cref="Write"/>.</summary>
    public static string Line(string @namespace, MetricsRecord r)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, @namespace, r);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the line's JSON object to <paramref name="json"/> and flushes it: no newline, no allocation.</summary>
    public static void Write(Utf8JsonWriter json, string @namespace, MetricsRecord r)
    {
        json.WriteStartObject();
        json.WriteStartObject("_aws");
        json.WriteNumber("Timestamp", r.Timestamp.ToUnixTimeMilliseconds());
        json.WriteStartArray("CloudWatchMetrics");
        Directive(json, @namespace, MetricNames.RequestDimensions,
            DeclaredMetrics[(r.TimeToFirstTokenMs is null ? 0 : 1) + (r.EstimatedCostUsd is null ? 0 : 2)]);
        Directive(json, @namespace, MetricNames.ErrorDimensions, ErrorMetrics);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("Customer", r.Customer);
        json.WriteString("Environment", r.Environment);
        json.WriteString("Stage", r.Stage);
        json.WriteString("Operation", r.Operation);
        json.WriteString("ModelAlias", r.ModelAlias);
        json.WriteString("ApiKey", r.ApiKey);
        json.WriteString("ErrorClass", MetricNames.ErrorClass(r.Status));
        json.WriteNumber("Requests", 1);
        json.WriteNumber("Errors", r.Status >= 400 ? 1 : 0);
        json.WriteNumber("Latency", Math.Round(r.LatencyMs, 3));
        if (r.TimeToFirstTokenMs is { } ttft)
        {
            json.WriteNumber("TimeToFirstToken", Math.Round(ttft, 3));
        }

        json.WriteNumber("InputTokens", r.InputTokens);
        json.WriteNumber("OutputTokens", r.OutputTokens);
        if (r.EstimatedCostUsd is { } cost)
        {
            json.WriteNumber("EstimatedCostUSD", cost);
        }

        json.WriteNumber("LimitsStoreDegraded", r.LimitsDegraded ? 1 : 0);

        // Properties, not dimensions: searchable in Logs Insights without multiplying metric cost.
        json.WriteNumber("StatusCode", r.Status);
        json.WriteString("RequestId", r.RequestId);
        json.WriteEndObject();
        json.Flush();
    }

    private static string[] Declared(bool ttft, bool cost) => [.. MetricNames.Metrics.Where(m => m switch
    {
        "TimeToFirstToken" => ttft,
        "EstimatedCostUSD" => cost,
        _ => true,
    })];

    private static void Directive(Utf8JsonWriter json, string @namespace, string[][] dimensions, string[] metrics)
    {
        json.WriteStartObject();
        json.WriteString("Namespace", @namespace);
        json.WriteStartArray("Dimensions");
        foreach (var set in dimensions)
        {
            json.WriteStartArray();
            foreach (var d in set)
            {
                json.WriteStringValue(d);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteStartArray("Metrics");
        foreach (var name in metrics)
        {
            json.WriteStartObject();
            json.WriteString("Name", name);
            json.WriteString("Unit", MetricNames.Units[name]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
