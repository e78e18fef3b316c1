using System.Globalization;
using System.Text;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.GitOps.Scaffold;

/// <summary>What a new customer file needs to know. The AWS ids a type needs (VPC and subnets for container and
/// hybrid, the cluster for eks) have no default: a made-up id would validate and then fail at deploy time.</summary>
public sealed record NewCustomer(
    string Customer,
    string Environment,
    string Type,
    string Region,
    string AccountId,
    string? VpcId = null,
    IReadOnlyList<string>? SubnetIds = null,
    string? ClusterName = null,
    string? OidcProvider = null)
{
    public static readonly IReadOnlyList<string> Types = ["serverless", "container", "hybrid", "eks"];
    public static readonly IReadOnlyList<string> Environments = ["dev", "staging", "prod"];

    public bool NeedsVpc => Type is "container" or "hybrid";
    public bool NeedsCluster => Type == "eks";
    public bool HasLambda => Type is "serverless" or "hybrid";
    public bool HasContainer => Type is not "serverless";

    /// <summary>customers/&lt;customer&gt;/&lt;environment&gt;.yaml, as the validator requires.</summary>
    public string RelativePath => $"customers/{Customer}/{Environment}.yaml";

    public string ImageRepository => $"{AccountId}.dkr.ecr.{Region}.amazonaws.com/bedrock-nova-proxy";
}

/// <summary>The text of a new customer file: the smallest file of its type that validates without a warning, each
/// section the team's defaults (the same the sample customers use), and comments that say what to change. The key is
/// added afterwards by <c>gitops keys new</c>'s own edit, so this text has no auth section.</summary>
public static class CustomerScaffold
{
    /// <summary>The aliases a new file maps: the common OpenAI names onto the Nova models of the same tier, through
    /// the Region's geographic inference profile where there is one.</summary>
    public static IReadOnlyList<(string Alias, string Model)> Aliases(string region)
    {
        var profile = ModelCatalog.GeoOf(region) is { } geo ? geo + "." : "";
        return [("gpt-4o", $"{profile}amazon.nova-pro-v1:0"), ("gpt-4o-mini", $"{profile}amazon.nova-lite-v1:0"), ("gpt-3.5-turbo", $"{profile}amazon.nova-micro-v1:0")];
    }

    public static string Yaml(NewCustomer c)
    {
        var prod = c.Environment == "prod";
        var y = new StringBuilder();
        void Line(string text = "") => y.Append(text).Append('\n');
        string Q(string text) => $"\"{text}\"";

        Line("# yaml-language-server: $schema=../schema.json");
        Line($"# {c.Customer}'s {c.Environment} stack ({c.Type}) in {c.Region}; made by `gitops new`. Rules and every key: docs/gitops.md.");
        Line("customer:");
        Line($"  name: {Q(c.Customer)}");
        Line($"  environment: {Q(c.Environment)}");
        Line($"  region: {Q(c.Region)}");
        Line($"  account_id: {Q(c.AccountId)}");
        Line();
        Line("deployment:");
        Line($"  type: {Q(c.Type)}");
        if (c.NeedsVpc)
        {
            Line("  vpc:");
            Line("    enabled: true");
            Line($"    vpc_id: {Q(c.VpcId!)}");
            Line($"    subnet_ids: [{string.Join(", ", c.SubnetIds!.Select(Q))}]");
        }

        if (c.HasLambda)
        {
            Line("  lambda:");
            Line("    streaming: true");
        }

        if (c.NeedsVpc)
        {
            Line("  container:");
            Line($"    image_repository: {Q(c.ImageRepository)}");
            Line("    load_balancer:");
            Line("      scheme: \"internal\"");
        }

        if (c.NeedsCluster)
        {
            Line("  eks:");
            Line($"    cluster_name: {Q(c.ClusterName!)}");
            Line($"    oidc_provider: {Q(c.OidcProvider!)}");
            Line($"    image_repository: {Q(c.ImageRepository)}");
        }

        Line();
        Line("monitoring:");
        Line("  cloudwatch:");
        Line($"    log_retention_days: {(prod ? 90 : 30)}");
        Line();
        Line("models:");
        Line("  mappings:");
        foreach (var (alias, model) in Aliases(c.Region))
        {
            Line($"    {Q(alias)}: {Q(model)}");
        }

        Line();
        Line("performance:");
        if (c.HasLambda)
        {
            Line("  lambda:");
            Line("    memory_size: 1024");
            Line("    timeout: 300");
            Line("  api_gateway:");
            Line("    throttling:");
            Line("      rate_limit: 100");
            Line("      burst_limit: 200");
        }

        if (c.HasContainer)
        {
            Line("  container:");
            Line("    cpu: 512");
            Line("    memory: 1024");
            Line(string.Create(CultureInfo.InvariantCulture, $"    min_count: {(prod ? 2 : 1)}"));
            Line("    max_count: 4");
        }

        Line();
        Line("# The load gate every deployment passes before prod (docs/loadtests.md).");
        Line("gate:");
        Line("  scenario: \"mix\"");
        Line("  rate: 5");
        Line("  duration: \"30s\"");
        Line("  thresholds:");
        Line("    p95_ms: 5000");
        Line("    ttft_p95_ms: 3000");
        Line("    max_error_rate: 0.01");
        return y.ToString();
    }
}
