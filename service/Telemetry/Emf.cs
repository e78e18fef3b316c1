using System.Text;
using System.Text.Json;

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
    public static string Line(string @namespace, MetricsRecord r)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", r.Timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            Directive(json, @namespace, MetricNames.RequestDimensions, [.. MetricNames.Metrics.Where(m => m switch
            {
                "TimeToFirstToken" => r.TimeToFirstTokenMs is not null,
                "EstimatedCostUSD" => r.EstimatedCostUsd is not null,
                _ => true,
            })]);
            Directive(json, @namespace, MetricNames.ErrorDimensions, ["Errors"]);
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
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

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
