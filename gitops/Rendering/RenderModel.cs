using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Aws;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>What the templates see: the customer file's sections at the top level (customer.name, deployment.vpc...)
/// and <c>stack</c>, the facts derived from them in C# where a template would be clumsy or where the proxy's own code is
/// the source (model ARNs, the proxy's environment, metric names). Templates read a read-only copy of it with snake_case
/// names (<see cref="TemplateSurface"/>).</summary>
public sealed class RenderModel(CustomerConfig config, StackFacts stack)
{
    public CustomerSection Customer => config.Customer;
    public DeploymentSection Deployment => config.Deployment;
    public SecuritySection Security => config.Security;
    public MonitoringSection Monitoring => config.Monitoring;
    public ModelsSection Models => config.Models;
    public PerformanceSection Performance => config.Performance;
    public StackFacts Stack => stack;
}

public sealed record EnvironmentVariable(string Name, string Value);

public sealed record ProfileAccess(string ProfileArn, IReadOnlyList<string> FoundationModelArns);

/// <summary>A blue/green stage: green takes every new build, prod only what green proved (docs/gitops.md).</summary>
public sealed record Stage(string Name, string Title, bool IsProd);

public sealed class StackFacts
{
    public required string Name { get; init; }

    /// <summary>The CloudFormation stack's name (bnp-&lt;customer&gt;-&lt;environment&gt;).</summary>
    public required string StackName { get; init; }
    public required string Type { get; init; }
    public required string SourceFile { get; init; }
    public required string Partition { get; init; }
    public bool Serverless { get; init; }
    public bool Container { get; init; }
    public bool Eks { get; init; }
    public bool Vpc { get; init; }
    public required string FunctionName { get; init; }
    public required string ApiName { get; init; }
    public required string ClusterName { get; init; }
    public required string Handler { get; init; }
    public required string ArtifactBucket { get; init; }
    public int IntegrationTimeoutMs { get; init; }
    public required IReadOnlyList<EnvironmentVariable> LambdaEnvironment { get; init; }
    public required IReadOnlyList<EnvironmentVariable> ContainerEnvironment { get; init; }

    /// <summary>foundation-model ARNs (as !Sub strings) of the models called by id in the stack's Region.</summary>
    public required IReadOnlyList<string> ModelArns { get; init; }

    /// <summary>Inference profiles called, each with the foundation models it may route to.</summary>
    public required IReadOnlyList<ProfileAccess> Profiles { get; init; }

    public string? GuardrailArn { get; init; }

    /// <summary>Nova's system tools the customer switched on (models.built_in_tools), as the ARNs bedrock:InvokeTool
    /// is granted on; empty: no InvokeTool statement at all.</summary>
    public IReadOnlyList<string> SystemToolArns { get; init; } = [];
    public required IReadOnlyList<Stage> Stages { get; init; }
    public required string MetricsNamespace { get; init; }

    /// <summary>The environment's DynamoDB table of shared limits, budgets and usage.</summary>
    public required string LimitsTable { get; init; }

    /// <summary>Point-in-time recovery on the limits table: the usage it holds is what prod charges back.</summary>
    public bool LimitsRecovery { get; init; }

    /// <summary>IAM role names are explicit so a cross-account role can trust exactly them.</summary>
    public required string LambdaRoleName { get; init; }
    public required string TaskRoleName { get; init; }
    public required string ServiceAccountRoleName { get; init; }
    public required string ServiceAccountName { get; init; }

    /// <summary>Kubernetes sizes from performance.container (cpu units / 1024 = vCPU).</summary>
    public required string KubernetesCpu { get; init; }
    public required string KubernetesMemory { get; init; }

    /// <summary>ECS: the ALB's scheme and prod port (https on 443 with the custom domain's certificate, else http on
    /// 80), its subnets, and the image repository's ARN (the only one the tasks may pull from).</summary>
    public string ContainerScheme { get; init; } = "http";
    public int ContainerListenerPort { get; init; } = 80;
    public IReadOnlyList<string> LoadBalancerSubnets { get; init; } = [];
    public string? RepositoryArn { get; init; }

    /// <summary>The account and name of the cross-account role, when there is one.</summary>
    public string? CrossAccountId { get; init; }
    public string? CrossAccountRoleName { get; init; }

    public string DashboardBody { get; set; } = "";
    public required string DashboardName { get; init; }
    public required IReadOnlyList<EnvironmentVariable> Tags { get; init; }

    public static StackFacts From(CustomerConfig c, string sourceFile)
    {
        var name = $"{c.Customer.Name}-{c.Customer.Environment}";
        var region = c.Customer.Region;
        var (models, profiles) = BedrockAccess(c);
        var crossAccount = c.Security.CrossAccount.Enabled ? Arn.TryParse(c.Security.CrossAccount.RoleArn) : null;
        var https = c.Deployment.CustomDomain.Enabled;
        var container = c.Deployment.Container;
        return new StackFacts
        {
            Name = name,
            StackName = c.StackName,
            Type = c.TypeName,
            SourceFile = sourceFile,
            Partition = NovaRegions.Partition(region),
            Serverless = c.HasServerless,
            Container = c.HasContainer,
            Eks = c.HasEks,
            Vpc = c.Deployment.Vpc.Enabled,
            FunctionName = $"{name}-bedrock-nova-proxy",
            ApiName = $"{name}-bedrock-nova-proxy",
            ClusterName = $"{name}-bedrock-nova-proxy",
            Handler = c.Deployment.Lambda.Runtime == "dotnet10" ? "BedrockNovaProxy" : "bootstrap",
            ArtifactBucket = $"bnp-artifacts-{c.Customer.AccountId}-{region}",
            // API Gateway streams for up to 15 minutes, buffers for at most 29 seconds.
            IntegrationTimeoutMs = c.Deployment.Lambda.Streaming ? Math.Min(c.Performance.Lambda.Timeout, 900) * 1000 : 29_000,
            LambdaEnvironment = [.. ProxySettings.For(c, lambda: true).Select(kv => new EnvironmentVariable(kv.Key, kv.Value))],
            ContainerEnvironment = [.. ProxySettings.For(c, lambda: false).Select(kv => new EnvironmentVariable(kv.Key, kv.Value))],
            ModelArns = models,
            Profiles = profiles,
            GuardrailArn = c.Security.Guardrail is { Enabled: true, Id: { } id }
                ? $"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:guardrail/{id}" : null,
            SystemToolArns = SystemToolArnsOf(c.Models.BuiltInTools),
            Stages = [new("green", "Green", IsProd: false), new("prod", "Prod", IsProd: true)],
            MetricsNamespace = c.Monitoring.CustomMetrics.Namespace,
            LimitsTable = LimitsSection.TableName(c),
            LimitsRecovery = c.Customer.Environment == "prod",
            LambdaRoleName = $"{name}-bnp-lambda",
            TaskRoleName = $"{name}-bnp-task",
            ServiceAccountRoleName = $"{name}-bnp-irsa",
            ServiceAccountName = "bedrock-nova-proxy",
            KubernetesCpu = $"{c.Performance.Container.Cpu * 1000 / 1024}m",
            KubernetesMemory = $"{c.Performance.Container.Memory}Mi",
            ContainerScheme = https ? "https" : "http",
            ContainerListenerPort = https ? 443 : 80,
            LoadBalancerSubnets = container is null ? [] : container.LoadBalancer.SubnetIds.Count > 0 ? container.LoadBalancer.SubnetIds : c.Deployment.Vpc.SubnetIds,
            RepositoryArn = container?.ImageRepository.Split('/', 2) is [var host, var repository] && host.Split('.') is [var account, _, _, var repoRegion, ..]
                ? $"arn:{NovaRegions.Partition(repoRegion)}:ecr:{repoRegion}:{account}:repository/{repository}" : null,
            CrossAccountId = crossAccount?.Account,
            CrossAccountRoleName = crossAccount?.Resource[(crossAccount.Resource.LastIndexOf('/') + 1)..],
            DashboardName = $"{name}-bedrock-nova-proxy",
            Tags = [.. c.Customer.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new EnvironmentVariable(t.Key, t.Value))],
        };
    }

    /// <summary>The least the proxy needs to call its models: each model id in the stack's Region; each inference profile
    /// together with its foundation model in every Region the profile routes to (Bedrock checks both), and for global
    /// profiles the Region-less foundation-model ARN. Distinct and ordered, so renders are stable.</summary>
    /// <summary>arn:aws:bedrock::{account}:system-tool/amazon.{tool}: the form public CDK code grants nova_grounding on
    /// (AWS's IAM reference has no entry yet, ../shared/reference/nova2-features.md §2); the code interpreter's is
    /// assumed to follow it.</summary>
    private static List<string> SystemToolArnsOf(BuiltInToolsOptions tools) =>
    [
        .. tools.WebGrounding ? ["arn:${AWS::Partition}:bedrock::${AWS::AccountId}:system-tool/amazon." + SystemToolNames.Grounding] : Array.Empty<string>(),
        .. tools.CodeInterpreter ? ["arn:${AWS::Partition}:bedrock::${AWS::AccountId}:system-tool/amazon." + SystemToolNames.CodeInterpreter] : Array.Empty<string>(),
    ];

    private static (IReadOnlyList<string> Models, IReadOnlyList<ProfileAccess> Profiles) BedrockAccess(CustomerConfig c)
    {
        var models = new SortedSet<string>(StringComparer.Ordinal);
        var profiles = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var target in c.Models.Mappings.Values.Distinct())
        {
            if (ModelResolver.ResolveTarget(target, c.Customer.Region, out _) is not { } resolved)
            {
                continue; // validation reports it; the renderer never sees an invalid file
            }

            var id = resolved.BedrockModelId.StartsWith("arn:", StringComparison.Ordinal)
                ? resolved.BedrockModelId[(resolved.BedrockModelId.IndexOf('/', StringComparison.Ordinal) + 1)..]
                : resolved.BedrockModelId;
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            var prefix = dot > 0 ? id[..dot] : "";
            if (!ModelCatalog.ProfilePrefixes.Contains(prefix))
            {
                models.Add($"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{id}");
                continue;
            }

            var spec = resolved.Spec.Id;
            var foundation = prefix == "global"
                ? [$"arn:${{AWS::Partition}}:bedrock:::foundation-model/{spec}"]
                : NovaRegions.Destinations(prefix).Select(r => $"arn:${{AWS::Partition}}:bedrock:{r}::foundation-model/{spec}");
            var profile = $"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{id}";
            if (!profiles.TryGetValue(profile, out var set))
            {
                profiles[profile] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(foundation);
        }

        return ([.. models], [.. profiles.Select(p => new ProfileAccess(p.Key, [.. p.Value]))]);
    }
}
