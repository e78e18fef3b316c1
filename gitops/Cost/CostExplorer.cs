using System.Globalization;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Aws;
using static BedrockNovaProxy.GitOps.Json.JsonNodes;

namespace BedrockNovaProxy.GitOps.Cost;

/// <summary>A service's spend over the period, as Cost Explorer bills it.</summary>
public sealed record ServiceCost(string Service, decimal Amount);

/// <summary>What Cost Explorer says the deployment's account spent on the deployment's services, day by day summed.
/// <paramref name="Estimated"/>: some days are not final yet.</summary>
public sealed record BilledCosts(DateOnly Start, DateOnly End, string Unit, IReadOnlyList<ServiceCost> Services, bool Estimated)
{
    public decimal Total => Services.Sum(s => s.Amount);

    public decimal Of(string service) => Services.FirstOrDefault(s => s.Service == service)?.Amount ?? 0;
}

/// <summary>AWS Cost Explorer's GetCostAndUsage (botocore data/ce/2017-10-25/service-2.json: protocol json,
/// jsonVersion 1.1, targetPrefix AWSInsightsIndexService, signingName ce; one endpoint, ce.us-east-1.amazonaws.com).
/// DAILY UnblendedCost grouped by SERVICE, filtered to the services the deployment uses in its account. The request
/// and the reading of the answer are pure; <see cref="GetAsync"/> pages through NextPageToken.</summary>
public static class CostExplorer
{
    public static readonly AwsApi Api = new("Cost Explorer", "ce", "AWSInsightsIndexService", "1.1", "ce:GetCostAndUsage");
    public static readonly Uri Endpoint = new("https://ce.us-east-1.amazonaws.com/");
    public const string SigningRegion = "us-east-1";
    public const string Metric = "UnblendedCost";

    // Cost Explorer's SERVICE dimension values (GetDimensionValues names them so).
    public const string Bedrock = "Amazon Bedrock", Lambda = "AWS Lambda", ApiGateway = "Amazon API Gateway", Ecs = "Amazon Elastic Container Service",
        Ec2Other = "EC2 - Other", LoadBalancing = "Amazon Elastic Load Balancing", CloudWatch = "AmazonCloudWatch";

    /// <summary>The services a deployment's stack runs on. EC2 - Other holds NAT gateways (a VPC's way out to Bedrock)
    /// and Fargate's data transfer; an EKS cluster's own nodes are shared, so only its load balancer counts.</summary>
    public static IReadOnlyList<string> Services(CustomerConfig config)
    {
        var services = new List<string> { Bedrock };
        if (config.HasServerless)
        {
            services.AddRange([Lambda, ApiGateway]);
        }

        if (config.HasContainer)
        {
            services.AddRange([Ecs, LoadBalancing]);
        }

        if (config.HasEks && config.Deployment.Eks?.ServiceType == "LoadBalancer")
        {
            services.Add(LoadBalancing);
        }

        if (config.HasContainer || config.Deployment.Vpc.Enabled)
        {
            services.Add(Ec2Other);
        }

        services.Add(CloudWatch);
        return services.Distinct().ToList();
    }

    public static JsonObject Request(CustomerConfig config, DateOnly start, DateOnly end, string? nextPageToken)
    {
        var request = new JsonObject
        {
            // End is exclusive (the API reference): [start, end) is the last N whole days.
            ["TimePeriod"] = new JsonObject { ["Start"] = Day(start), ["End"] = Day(end) },
            ["Granularity"] = "DAILY",
            ["Metrics"] = new JsonArray(Metric),
            ["GroupBy"] = new JsonArray(new JsonObject { ["Type"] = "DIMENSION", ["Key"] = "SERVICE" }),
            ["Filter"] = new JsonObject
            {
                ["And"] = new JsonArray(
                    Dimension("SERVICE", Services(config)),
                    // A management account sees every member's bill; only the stack's account is this deployment's.
                    Dimension("LINKED_ACCOUNT", [config.Customer.AccountId])),
            },
        };
        if (nextPageToken is not null)
        {
            request["NextPageToken"] = nextPageToken;
        }

        return request;
    }

    /// <summary>Adds one page's ResultsByTime to the running totals; returns the page's NextPageToken.</summary>
    public static string? Read(JsonNode page, Dictionary<string, decimal> totals, ref string? unit, ref bool estimated)
    {
        foreach (var day in page["ResultsByTime"] as JsonArray ?? [])
        {
            estimated |= IsTrue(day?["Estimated"]);
            foreach (var group in day?["Groups"] as JsonArray ?? [])
            {
                var service = Text((group?["Keys"] as JsonArray)?.FirstOrDefault());
                var cost = group?["Metrics"]?[Metric];
                if (service is null || !decimal.TryParse(Text(cost?["Amount"]), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                {
                    continue;
                }

                totals[service] = totals.GetValueOrDefault(service) + amount;
                unit ??= Text(cost?["Unit"]);
            }
        }

        return Text(page["NextPageToken"]) is { Length: > 0 } token ? token : null;
    }

    public static async Task<BilledCosts> GetAsync(AwsJsonClient client, CustomerConfig config, DateOnly start, DateOnly end, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        string? unit = null, token = null;
        var estimated = false;
        var pages = 0;
        do
        {
            var page = await client.CallAsync("GetCostAndUsage", Request(config, start, end, token), cancellationToken);
            token = Read(page, totals, ref unit, ref estimated);
            if (++pages > 100)
            {
                throw new AwsException("Cost Explorer kept returning a NextPageToken after 100 pages", "TooManyPages");
            }
        }
        while (token is not null);

        // Every service of the deployment is listed, those without a charge at 0, in the order of Services().
        var services = Services(config).Select(s => new ServiceCost(s, totals.GetValueOrDefault(s)))
            .Concat(totals.Where(t => !Services(config).Contains(t.Key)).Select(t => new ServiceCost(t.Key, t.Value)))
            .ToList();
        return new BilledCosts(start, end, unit ?? "USD", services, estimated);
    }

    private static JsonObject Dimension(string key, IEnumerable<string> values) =>
        new() { ["Dimensions"] = new JsonObject { ["Key"] = key, ["Values"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) } };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
