using System.Globalization;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.GitOps.Cost;

/// <summary>One piece of advice: a stable code (tests, docs/gitops.md) and the sentence, with the figures behind it.</summary>
public sealed record Advice(string Code, string Text);

/// <summary>The usual cost tips (reserved capacity, Lambda memory, log retention, a $100 monthly threshold), made
/// concrete: each rule fires only when the figures and the customer file show it applies,
/// and says what to change, in the file's own keys, and what it is worth. Pure.</summary>
public static class CostAdvice
{
    /// <summary>Spend above $100 a month is flagged.</summary>
    public const decimal DefaultMonthlyThreshold = 100m;

    /// <summary>Lambda memory above 1024 MB comes down; log retention goes to 30 days.</summary>
    public const int SeedMemoryMb = 1024, SeedRetentionDays = 30;

    public const double LambdaShare = 0.25, DominantAliasShare = 0.5, GapShare = 0.25, InputHeavyRatio = 10;
    public const long InputHeavyMinimumTokens = 1_000_000;

    /// <summary>The next Nova tier down for a chat model (cheaper per token: NovaPrices).</summary>
    public static readonly IReadOnlyDictionary<string, string> CheaperTier = new Dictionary<string, string>
    {
        ["amazon.nova-premier-v1:0"] = "amazon.nova-pro-v1:0",
        ["amazon.nova-pro-v1:0"] = "amazon.nova-lite-v1:0",
        ["amazon.nova-2-lite-v1:0"] = "amazon.nova-lite-v1:0",
        ["amazon.nova-lite-v1:0"] = "amazon.nova-micro-v1:0",
    };

    public static IReadOnlyList<Advice> For(CustomerConfig config, BilledCosts? billed, ProxyUsage? usage, int days, decimal monthlyThreshold)
    {
        var advice = new List<Advice>();
        var total = billed?.Total ?? 0;
        var lambdaCost = billed?.Of(CostExplorer.Lambda) ?? 0;
        var lambda = config.Performance.Lambda;

        if (billed is not null && total > 0 && total * 30 / days is var monthly && monthly > monthlyThreshold)
        {
            var top = billed.Services.MaxBy(s => s.Amount)!;
            advice.Add(new("over-threshold",
                $"The deployment's services cost ${Money(total)} in {days} days, about ${Money(monthly)} a month, above the ${Money(monthlyThreshold)} threshold; " +
                $"the largest part is {top.Service} ({Percent(top.Amount / total)})."));
        }

        if (config.HasServerless && lambda.ProvisionedConcurrency > 0 && total > 0 && lambdaCost / total >= (decimal)LambdaShare)
        {
            var gb = lambda.ProvisionedConcurrency * lambda.MemorySize / 1024.0;
            var start = config.Deployment.Lambda.Runtime == "provided.al2023"
                ? "The Native AOT build starts cold in under 100 ms (docs/performance.md), so lower"
                : "Switch deployment.lambda.runtime to provided.al2023 (Native AOT starts 6-7x faster than dotnet10, docs/performance.md) and lower";
            advice.Add(new("provisioned-concurrency",
                $"AWS Lambda is {Percent(lambdaCost / total)} of the spend (${Money(lambdaCost)}), and prod keeps {lambda.ProvisionedConcurrency} environments of " +
                $"{lambda.MemorySize} MB provisioned around the clock ({Number(gb)} GB, {Number(gb * 24 * 30)} GB-hours a month, billed with or without requests). " +
                $"{start} performance.lambda.provisioned_concurrency ({lambda.ProvisionedConcurrency} now; 0 turns it off)."));
        }

        if (config.HasServerless && lambda.MemorySize > SeedMemoryMb)
        {
            advice.Add(new("lambda-memory",
                $"performance.lambda.memory_size is {lambda.MemorySize} MB. The proxy spends a request waiting on Bedrock and needs little memory " +
                $"(peak RSS near 53 MiB, docs/performance.md); Lambda bills duration by memory, so {SeedMemoryMb} MB would cut the duration charge by " +
                $"{Percent(1 - ((decimal)SeedMemoryMb / lambda.MemorySize))}{(lambdaCost > 0 ? $" (Lambda cost ${Money(lambdaCost)} in these {days} days)" : "")}."));
        }

        if (config.Monitoring.Cloudwatch.LogRetentionDays > SeedRetentionDays)
        {
            var logs = billed?.Of(CostExplorer.CloudWatch) ?? 0;
            advice.Add(new("log-retention",
                $"monitoring.cloudwatch.log_retention_days is {config.Monitoring.Cloudwatch.LogRetentionDays}: log storage grows for that long, " +
                $"{Number(config.Monitoring.Cloudwatch.LogRetentionDays / (double)SeedRetentionDays)}x the seed's {SeedRetentionDays}-day policy" +
                $"{(logs > 0 ? $" (CloudWatch cost ${Money(logs)} in these {days} days)" : "")}. Set {SeedRetentionDays} unless compliance needs more, and export what it needs to S3."));
        }

        if (usage is { Total: > 0 } && Cheaper(config, usage) is { } cheaper)
        {
            advice.Add(cheaper);
        }

        if (usage is not null && !config.Models.PromptCaching.System)
        {
            var chat = usage.Rows.Where(r => r.Operation is "chat.completions" or "responses").ToList();
            var (input, output) = (chat.Sum(r => r.InputTokens), chat.Sum(r => r.OutputTokens));
            if (input >= InputHeavyMinimumTokens && output > 0 && input / (double)output >= InputHeavyRatio)
            {
                advice.Add(new("prompt-caching",
                    $"Chat requests sent {Number(input / (double)output)}x more input than output tokens ({Number(input)} against {Number(output)}): " +
                    "long prompts repeat. models.prompt_caching.system: true puts a Bedrock cache point after the system prompt, and cached input tokens " +
                    "are billed at a fraction of the input price (aws.amazon.com/bedrock/pricing)."));
            }
        }

        var container = config.Performance.Container;
        var ecs = billed?.Of(CostExplorer.Ecs) ?? 0;
        if (config.HasContainer && config.Customer.Environment != "prod" && container.MinCount > 1 && ecs > 0)
        {
            advice.Add(new("container-min-count",
                $"{config.Customer.Environment} keeps {container.MinCount} tasks of {container.Cpu} CPU units and {container.Memory} MiB running at all times " +
                $"(Amazon Elastic Container Service ${Money(ecs)} in these {days} days); performance.container.min_count: 1 cuts that floor to one task outside prod."));
        }

        var bedrock = billed?.Of(CostExplorer.Bedrock) ?? 0;
        if (usage is { Total: > 0 } && bedrock > 0 && Math.Abs(bedrock - usage.Total) / bedrock > (decimal)GapShare)
        {
            advice.Add(new("estimate-gap",
                $"Cost Explorer bills ${Money(bedrock)} for Amazon Bedrock, the proxy estimates ${Money(usage.Total)}: a gap of {Percent(Math.Abs(bedrock - usage.Total) / bedrock)}. " +
                "Other Bedrock use in the account, prices outside us-east-1 (the proxy's table is us-east-1's), cached-token discounts or models without a price " +
                "in common/Telemetry/NovaPrices.cs explain such gaps."));
        }

        return advice;
    }

    /// <summary>An alias that carries most of the estimated model spend on a model with a cheaper Nova tier: what
    /// the same tokens would have cost there, and the mapping that would do it.</summary>
    private static Advice? Cheaper(CustomerConfig config, ProxyUsage usage)
    {
        var top = usage.Rows.GroupBy(r => r.ModelAlias, StringComparer.Ordinal)
            .Select(g => (Alias: g.Key, Cost: g.Sum(r => r.EstimatedUsd), Input: g.Sum(r => r.InputTokens), Output: g.Sum(r => r.OutputTokens)))
            .MaxBy(a => a.Cost);
        if (top.Cost / usage.Total < (decimal)DominantAliasShare
            || !config.Models.Mappings.TryGetValue(top.Alias, out var target)
            || ModelResolver.Parse(target).Spec is not { Kind: ModelKind.Chat } spec
            || !CheaperTier.TryGetValue(spec.Id, out var cheaperId)
            || ModelCatalog.Find(cheaperId) is not { } cheaper
            || NovaPrices.All.FirstOrDefault(p => p.ModelId == cheaperId) is not { } price)
        {
            return null;
        }

        var cost = ((top.Input * price.InputPerMillion) + (top.Output * price.OutputPerMillion)) / 1_000_000m;
        if (cost >= top.Cost)
        {
            return null;
        }

        var caveats = new List<string>();
        if (spec.Accepts(InputModalities.Image) && !cheaper.Accepts(InputModalities.Image))
        {
            caveats.Add("it reads text only");
        }

        if (spec.SupportsReasoning && !cheaper.SupportsReasoning)
        {
            caveats.Add("it does not reason");
        }

        return new Advice("cheaper-model",
            $"{top.Alias} ({spec.DisplayName}) is {Percent(top.Cost / usage.Total)} of the proxy's estimated model spend (${Money(top.Cost)} of ${Money(usage.Total)}). " +
            $"The same {Number(top.Input)} input and {Number(top.Output)} output tokens on {cheaper.DisplayName} would cost ${Money(cost)}, {Percent(1 - (cost / top.Cost))} less" +
            $"{(caveats.Count > 0 ? $" ({string.Join(", ", caveats)})" : "")}. Where its answers serve these requests, map \"{top.Alias}\": \"{SameRoute(target, spec, cheaper)}\" " +
            "in models.mappings (or give those clients another alias), and let the load gate judge green first.");
    }

    /// <summary>The cheaper model by the same route: the same inference profile prefix when it has one, else its id.</summary>
    private static string SameRoute(string target, ModelSpec current, ModelSpec cheaper)
    {
        var prefix = target.EndsWith("." + current.Id, StringComparison.Ordinal) && !target.StartsWith("arn:", StringComparison.Ordinal)
            ? target[..^(current.Id.Length + 1)]
            : null;
        return prefix is not null && cheaper.GeoProfiles.Contains(prefix) ? $"{prefix}.{cheaper.Id}" : cheaper.Id;
    }

    internal static string Money(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    internal static string Percent(decimal share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => value.ToString(value >= 100 ? "#,##0" : "0.#", CultureInfo.InvariantCulture);
}
