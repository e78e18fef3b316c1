namespace BedrockNovaProxy.Telemetry;

/// <summary>The proxy's CloudWatch metrics: names, units and dimension sets. The contract between the EMF line the
/// proxy writes (service/Telemetry/Emf.cs), the dashboards and alarms gitops renders, and the estimates `gitops cost`
/// reads back; one copy, so none of them can drift from the others.</summary>
public static class MetricNames
{
    public static readonly string[] Metrics = ["Requests", "Errors", "Latency", "TimeToFirstToken", "InputTokens", "OutputTokens", "EstimatedCostUSD", "LimitsStoreDegraded"];

    /// <summary>Every set starts with the stage's identity, so green's load test never moves prod's alarms; the first
    /// set is the stage's totals (alarms), the others break them down (dashboards): per operation, per API key's name
    /// (cost and tokens per key, for charge-back; "none" without a key) and, last and finest, per alias and operation.</summary>
    public static readonly string[][] RequestDimensions =
        [["Customer", "Environment", "Stage"], ["Customer", "Environment", "Stage", "Operation"], ["Customer", "Environment", "Stage", "ApiKey"],
            ["Customer", "Environment", "Stage", "ModelAlias", "Operation"]];

    public static readonly string[][] ErrorDimensions = [["Customer", "Environment", "Stage", "ErrorClass"]];

    /// <summary>Each metric's unit, as written in the directives.</summary>
    public static readonly IReadOnlyDictionary<string, string> Units = new Dictionary<string, string>
    {
        ["Requests"] = "Count", ["Errors"] = "Count", ["Latency"] = "Milliseconds", ["TimeToFirstToken"] = "Milliseconds",
        ["InputTokens"] = "Count", ["OutputTokens"] = "Count", ["EstimatedCostUSD"] = "None",
        // 1 for a request admitted (or refused) while the shared limits store was failing: per-process limits or 503s.
        ["LimitsStoreDegraded"] = "Count",
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
}
