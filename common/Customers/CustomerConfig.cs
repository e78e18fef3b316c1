using System.Text.Json.Serialization;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Customers;

// The typed form of customers/<customer>/<environment>.yaml. customers/schema.json is the contract (with a
// description for every key); these records are what the rules and the templates read once the schema has passed.
// Defaults here are the defaults the schema documents. Setters, not init: System.Text.Json gives init-only members
// missing from the JSON their type's default (null), not these initialisers.

public enum DeploymentType
{
    Serverless,
    Container,
    Hybrid,
    Eks,
}

public sealed record CustomerConfig
{
    public required CustomerSection Customer { get; set; }
    public required DeploymentSection Deployment { get; set; }
    public SecuritySection Security { get; set; } = new();
    public MonitoringSection Monitoring { get; set; } = new();
    public required ModelsSection Models { get; set; }
    public PerformanceSection Performance { get; set; } = new();
    public AuthSection Auth { get; set; } = new();
    public LimitsSection Limits { get; set; } = new();
    public GateSection Gate { get; set; } = new();

    /// <summary>The deployment type as the file writes it (serverless, container, hybrid, eks).</summary>
    public string TypeName => Deployment.Type.ToString().ToLowerInvariant();

    /// <summary>The CloudFormation stack of this customer environment: the renders, the deploy and the reports use it.</summary>
    public string StackName => $"bnp-{Customer.Name}-{Customer.Environment}";

    public bool HasServerless => Deployment.Type is DeploymentType.Serverless or DeploymentType.Hybrid;
    public bool HasContainer => Deployment.Type is DeploymentType.Container or DeploymentType.Hybrid;
    public bool HasEks => Deployment.Type is DeploymentType.Eks;
}

public sealed record CustomerSection
{
    public required string Name { get; set; }
    public required string Environment { get; set; }
    public required string Region { get; set; }
    public required string AccountId { get; set; }
    public Dictionary<string, string> Tags { get; set; } = [];
}

public sealed record DeploymentSection
{
    public required DeploymentType Type { get; set; }
    public VpcSection Vpc { get; set; } = new();
    public CustomDomainSection CustomDomain { get; set; } = new();
    public LambdaDeployment Lambda { get; set; } = new();
    public ContainerDeployment? Container { get; set; }
    public EksDeployment? Eks { get; set; }
}

public sealed record VpcSection
{
    public bool Enabled { get; set; }
    public string? VpcId { get; set; }
    public List<string> SubnetIds { get; set; } = [];
    public List<string> SecurityGroupIds { get; set; } = [];
}

public sealed record CustomDomainSection
{
    public bool Enabled { get; set; }
    public string? DomainName { get; set; }
    public string? CertificateArn { get; set; }
    public string EndpointType { get; set; } = "REGIONAL";
    public string? HostedZoneId { get; set; }
}

public sealed record LambdaDeployment
{
    public string Runtime { get; set; } = "provided.al2023";
    public string Architecture { get; set; } = "x86_64";
    public bool Streaming { get; set; } = true;
}

public sealed record ContainerDeployment
{
    public required string ImageRepository { get; set; }
    public int Port { get; set; } = 8080;
    public LoadBalancerSection LoadBalancer { get; set; } = new();
}

public sealed record LoadBalancerSection
{
    public string Scheme { get; set; } = "internet-facing";
    public List<string> SubnetIds { get; set; } = [];
    public int TestListenerPort { get; set; } = 8443;
    public List<string> AllowedCidrs { get; set; } = ["0.0.0.0/0"];
}

public sealed record EksDeployment
{
    public required string ClusterName { get; set; }
    public required string OidcProvider { get; set; }
    public required string ImageRepository { get; set; }
    public string Namespace { get; set; } = "bedrock-nova-proxy";
    public string ServiceType { get; set; } = "ClusterIP";
    public int Port { get; set; } = 8080;
}

public sealed record SecuritySection
{
    public EncryptionSection Encryption { get; set; } = new();
    public CrossAccountSection CrossAccount { get; set; } = new();
    public GuardrailSection Guardrail { get; set; } = new();
    public ImageUrlsSection ImageUrls { get; set; } = new();
}

public sealed record EncryptionSection
{
    public bool Enabled { get; set; }
    public string? KmsKeyId { get; set; }
}

public sealed record CrossAccountSection
{
    public bool Enabled { get; set; }
    public string? RoleArn { get; set; }
}

public sealed record GuardrailSection
{
    public bool Enabled { get; set; }
    public string? Id { get; set; }
    public string Version { get; set; } = "DRAFT";
    public string Trace { get; set; } = "disabled";
}

public sealed record ImageUrlsSection
{
    public List<string> AllowedHosts { get; set; } = [];
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;
}

public sealed record MonitoringSection
{
    public CloudWatchSection Cloudwatch { get; set; } = new();
    public CustomMetricsSection CustomMetrics { get; set; } = new();
    public bool LogPrompts { get; set; }
    public AlertsSection Alerts { get; set; } = new();
}

public sealed record CloudWatchSection
{
    public bool Enabled { get; set; } = true;
    public int LogRetentionDays { get; set; } = 30;
    public bool DashboardEnabled { get; set; } = true;
}

public sealed record CustomMetricsSection
{
    public bool Enabled { get; set; } = true;
    public string Namespace { get; set; } = "BedrockNovaProxy";
}

public sealed record AlertsSection
{
    public bool Enabled { get; set; }
    public string? SnsTopicArn { get; set; }
    public double ErrorRatePercent { get; set; } = 5;
    public int LatencyP99Ms { get; set; } = 30000;
    public int Throttles { get; set; } = 10;
}

public sealed record ModelsSection
{
    /// <summary>Alias -> Bedrock model, in the file's order (the proxy lists them in this order).</summary>
    public required Dictionary<string, string> Mappings { get; set; }
    public PromptCachingOptions PromptCaching { get; set; } = new();

    /// <summary>The Bedrock service tier of requests that ask for none (or for auto): auto, default, flex or priority.</summary>
    public string ServiceTier { get; set; } = "auto";

    public BuiltInToolsOptions BuiltInTools { get; set; } = new();
}

public sealed record PerformanceSection
{
    public LambdaPerformance Lambda { get; set; } = new();
    public ApiGatewayPerformance ApiGateway { get; set; } = new();
    public ContainerPerformance Container { get; set; } = new();
}

public sealed record LambdaPerformance
{
    public int MemorySize { get; set; } = 1024;
    public int Timeout { get; set; } = 300;
    public int? ReservedConcurrency { get; set; }
    public int ProvisionedConcurrency { get; set; }
}

public sealed record ApiGatewayPerformance
{
    public ThrottlingSection Throttling { get; set; } = new();
}

public sealed record ThrottlingSection
{
    public double RateLimit { get; set; } = 1000;
    public int BurstLimit { get; set; } = 2000;
}

public sealed record ContainerPerformance
{
    public int Cpu { get; set; } = 512;
    public int Memory { get; set; } = 1024;
    public int MinCount { get; set; } = 2;
    public int MaxCount { get; set; } = 10;
    public int TargetCpuPercent { get; set; } = 60;
}

public sealed record AuthSection
{
    public List<ApiKeyEntry> Keys { get; set; } = [];
}

public sealed record ApiKeyEntry : AllowanceOptions
{
    public required string Name { get; set; }
    public required string Sha256 { get; set; }
    public List<string> Models { get; set; } = [];

    /// <summary>The service tiers this key may ask for; empty for all.</summary>
    public List<string> ServiceTiers { get; set; } = [];

    /// <summary>From this UTC day on the key is refused.</summary>
    public DateOnly? Expires { get; set; }
}

/// <summary>The shared limits store of the environment (its DynamoDB table) and the environment's own limits.</summary>
public sealed record LimitsSection
{
    public string OnStoreFailure { get; set; } = "serve";
    public AllowanceOptions Environment { get; set; } = new();

    /// <summary>The table the stack renders for this environment.</summary>
    public static string TableName(CustomerConfig config) => config.StackName + "-limits";
}

/// <summary>The load gate that decides green -> prod: the load tool runs it, gitops checks it. A threshold left out is
/// the load tool's default (docs/loadtests.md).</summary>
public sealed record GateSection
{
    public string Scenario { get; set; } = "mix";
    public double Rate { get; set; } = 5;
    public string Duration { get; set; } = "30s";
    public GateThresholdsSection Thresholds { get; set; } = new();
}

public sealed record GateThresholdsSection
{
    public double? P50Ms { get; set; }
    public double? P95Ms { get; set; }
    public double? P99Ms { get; set; }
    public double? TtftP95Ms { get; set; }
    public double? MaxErrorRate { get; set; }
    public double? MinThroughputRps { get; set; }
    public double? MaxRegressionPercent { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CustomerConfig))]
public sealed partial class CustomerJsonContext : JsonSerializerContext;
