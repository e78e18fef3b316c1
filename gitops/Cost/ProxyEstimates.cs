using System.Text.Json.Nodes;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Aws;
using BedrockNovaProxy.Telemetry;
using static BedrockNovaProxy.GitOps.Json.JsonNodes;

namespace BedrockNovaProxy.GitOps.Cost;

/// <summary>The proxy's own figures for one stage, model alias and operation over the period: its estimated Bedrock
/// cost (common/Telemetry/NovaPrices.cs) and the tokens behind it.</summary>
public sealed record AliasUsage(string Stage, string ModelAlias, string Operation, decimal EstimatedUsd, long InputTokens, long OutputTokens);

/// <summary>What the proxy's metrics say, and what CloudWatch added about the query (partial data, limits).</summary>
public sealed record ProxyUsage(IReadOnlyList<AliasUsage> Rows, IReadOnlyList<string> Messages)
{
    public decimal Total => Rows.Sum(r => r.EstimatedUsd);
}

/// <summary>The proxy's EMF metrics (service/Telemetry/Emf.cs) through CloudWatch GetMetricData on the JSON protocol
/// (botocore data/cloudwatch/2010-08-01/service-2.json: protocols smithy-rpc-v2-cbor, json, query; jsonVersion 1.0;
/// targetPrefix GraniteServiceVersion20100801; awsQueryCompatible; endpointPrefix, and so signing name, monitoring). One SEARCH per
/// metric over the [Customer, Environment, Stage, ModelAlias, Operation] set, daily sums, labelled with the
/// dimension values (dynamic labels), paged through NextToken.</summary>
public static class ProxyEstimates
{
    public static readonly AwsApi Api = new("CloudWatch", "monitoring", "GraniteServiceVersion20100801", "1.0", "cloudwatch:GetMetricData", QueryCompatible: true);
    public const int PeriodSeconds = 86400;
    public const char Separator = '|';

    /// <summary>Query id -> EMF metric. The cost is the proxy's estimate; the tokens let the advice price another model.</summary>
    public static readonly IReadOnlyList<(string Id, string Metric)> Queries = [("cost", "EstimatedCostUSD"), ("input", "InputTokens"), ("output", "OutputTokens")];

    /// <summary>The dimension set the proxy's finest breakdown uses: MetricNames.RequestDimensions' last set.</summary>
    public static IReadOnlyList<string> Dimensions => MetricNames.RequestDimensions[^1];

    public static Uri EndpointFor(string region) =>
        new($"https://monitoring.{region}.amazonaws.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "com.cn" : "com")}/");

    /// <summary>SEARCH('{"ns",Customer,Environment,Stage,ModelAlias,Operation} MetricName="m" Customer="c" Environment="e"', 'Sum', 86400):
    /// exact matches (double quotes) on the metric and on this customer environment; every stage.</summary>
    public static string Search(CustomerConfig config, string metric) =>
        $"SEARCH('{{\"{config.Monitoring.CustomMetrics.Namespace}\",{string.Join(',', Dimensions)}}} MetricName=\"{metric}\" " +
        $"Customer=\"{config.Customer.Name}\" Environment=\"{config.Customer.Environment}\"', 'Sum', {PeriodSeconds})";

    /// <summary>One label per time series, its dimension values: "prod|gpt-4o|chat.completions".</summary>
    public static readonly string Label = string.Join(Separator, new[] { "Stage", "ModelAlias", "Operation" }.Select(d => $"${{PROP('Dim.{d}')}}"));

    public static JsonObject Request(CustomerConfig config, DateTimeOffset start, DateTimeOffset end, string? nextToken)
    {
        var request = new JsonObject
        {
            ["MetricDataQueries"] = new JsonArray([.. Queries.Select(q => (JsonNode)new JsonObject
            {
                ["Id"] = q.Id,
                ["Expression"] = Search(config, q.Metric),
                ["Label"] = Label,
                ["ReturnData"] = true,
            })]),
            // The JSON protocols send timestamps as epoch seconds.
            ["StartTime"] = start.ToUnixTimeSeconds(),
            ["EndTime"] = end.ToUnixTimeSeconds(),
        };
        if (nextToken is not null)
        {
            request["NextToken"] = nextToken;
        }

        return request;
    }

    /// <summary>Adds one page's values to the sums per (query id, label); returns the page's NextToken.</summary>
    public static string? Read(JsonNode page, Dictionary<(string Id, string Label), double> sums, List<string> messages)
    {
        foreach (var result in page["MetricDataResults"] as JsonArray ?? [])
        {
            if (Text(result?["Id"]) is not { } id || Text(result?["Label"]) is not { } label)
            {
                continue;
            }

            var values = (result?["Values"] as JsonArray ?? []).Select(v => Number(v) ?? 0).Sum();
            sums[(id, label)] = sums.GetValueOrDefault((id, label)) + values;
            if (Text(result?["StatusCode"]) is { } status and not ("Complete" or "PartialData"))
            {
                messages.Add($"{id} {label}: {status}");
            }

            foreach (var m in result?["Messages"] as JsonArray ?? [])
            {
                messages.Add($"{id} {label}: {Text(m?["Code"])} {Text(m?["Value"])}".TrimEnd());
            }
        }

        foreach (var m in page["Messages"] as JsonArray ?? [])
        {
            messages.Add($"{Text(m?["Code"])}: {Text(m?["Value"])}");
        }

        return Text(page["NextToken"]) is { Length: > 0 } token ? token : null;
    }

    /// <summary>Rows per stage, alias and operation from the sums; series whose label does not split into three parts
    /// (no dynamic label support) are kept whole as the alias.</summary>
    public static IReadOnlyList<AliasUsage> Rows(Dictionary<(string Id, string Label), double> sums) =>
    [
        .. sums.Keys.Select(k => k.Label).Distinct(StringComparer.Ordinal).Select(label =>
            {
                var parts = label.Split(Separator);
                var (stage, alias, operation) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ("?", label, "?");
                double Of(string id) => sums.GetValueOrDefault((id, label));
                return new AliasUsage(stage, alias, operation, (decimal)Of("cost"), (long)Math.Round(Of("input")), (long)Math.Round(Of("output")));
            })
            .OrderByDescending(r => r.EstimatedUsd).ThenBy(r => r.Stage, StringComparer.Ordinal).ThenBy(r => r.ModelAlias, StringComparer.Ordinal),
    ];

    public static async Task<ProxyUsage> GetAsync(AwsJsonClient client, CustomerConfig config, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var sums = new Dictionary<(string Id, string Label), double>();
        var messages = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.CallAsync("GetMetricData", Request(config, start, end, token), cancellationToken);
            token = Read(page, sums, messages);
            if (++pages > 100)
            {
                throw new AwsException("CloudWatch kept returning a NextToken after 100 pages", "TooManyPages");
            }
        }
        while (token is not null);

        return new ProxyUsage(Rows(sums), messages);
    }
}
