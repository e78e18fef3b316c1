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
    DateTimeOffset Timestamp);

/// <summary>CloudWatch Embedded Metric Format (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
/// CloudWatch_Embedded_Metric_Format_Specification.html): one JSON line per request, two directives. Metric names and
/// dimensions are the contract with the rendered dashboards and alarms; keep them in step. Pure.</summary>
public static class Emf
{
    public static readonly string[] Metrics = ["Requests", "Errors", "Latency", "TimeToFirstToken", "InputTokens", "OutputTokens", "EstimatedCostUSD"];
    /// <summary>Every set starts with the stage's identity, so green's load test never moves prod's alarms; the first
    /// set is the stage's totals (alarms), the others break them down (dashboards).</summary>
    public static readonly string[][] RequestDimensions =
        [["Customer", "Environment", "Stage"], ["Customer", "Environment", "Stage", "Operation"], ["Customer", "Environment", "Stage", "ModelAlias", "Operation"]];

    public static readonly string[][] ErrorDimensions = [["Customer", "Environment", "Stage", "ErrorClass"]];

    /// <summary>Each metric's unit, as written in the directives.</summary>
    public static readonly IReadOnlyDictionary<string, string> Units = new Dictionary<string, string>
    {
        ["Requests"] = "Count", ["Errors"] = "Count", ["Latency"] = "Milliseconds", ["TimeToFirstToken"] = "Milliseconds",
        ["InputTokens"] = "Count", ["OutputTokens"] = "Count", ["EstimatedCostUSD"] = "None",
    };

    /// <summary>none, auth (401/403), throttled (429), client (other 4xx), timeout (504), upstream (other 5xx).</summary>
    public static string ErrorClass(int status) => status switch
    {
        < 400 => "none",
        401 or 403 => "auth",
        429 => "throttled",
        < 500 => "client",
        504 => "timeout",
        _ => "upstream",
    };

    public static string Line(string @namespace, MetricsRecord r)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", r.Timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            Directive(json, @namespace, RequestDimensions, [.. Metrics.Where(m => m switch
            {
                "TimeToFirstToken" => r.TimeToFirstTokenMs is not null,
                "EstimatedCostUSD" => r.EstimatedCostUsd is not null,
                _ => true,
            })]);
            Directive(json, @namespace, ErrorDimensions, ["Errors"]);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Customer", r.Customer);
            json.WriteString("Environment", r.Environment);
            json.WriteString("Stage", r.Stage);
            json.WriteString("Operation", r.Operation);
            json.WriteString("ModelAlias", r.ModelAlias);
            json.WriteString("ErrorClass", ErrorClass(r.Status));
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
            json.WriteString("Unit", Units[name]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
