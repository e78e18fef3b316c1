namespace BedrockNovaProxy.Catalog;

public enum ModelKind
{
    Chat,
    Embedding,
}

[Flags]
public enum InputModalities
{
    Text = 1,
    Image = 2,
    Video = 4,
    Document = 8,
}

/// <summary>Bedrock's model lifecycle status (FoundationModelLifecycle.status: ACTIVE | LEGACY); a model past its
/// end-of-life date is refused by Bedrock altogether.</summary>
public enum ModelStatus
{
    Active,
    Legacy,
    EndOfLife,
}

/// <summary>Converse's serviceTier.type values a model is offered with (OpenAI's service_tier names the same three).</summary>
[Flags]
public enum ServiceTiers
{
    Default = 1,
    Flex = 2,
    Priority = 4,
}

/// <summary>The tiers by the name Bedrock, OpenAI and the customer file give them; one reading for the proxy, the
/// local Bedrock and gitops.</summary>
public static class ServiceTierNames
{
    /// <summary>The tier of <paramref name="name"/>; null for any other value (auto, reserved, a typo).</summary>
    public static ServiceTiers? Parse(string? name) => name switch
    {
        "default" => ServiceTiers.Default,
        "flex" => ServiceTiers.Flex,
        "priority" => ServiceTiers.Priority,
        _ => null,
    };
}

/// <summary>Nova's system tools (Converse toolConfig.tools[].systemTool.name): run by Bedrock, not by the client.</summary>
[Flags]
public enum SystemTools
{
    None = 0,
    Grounding = 1,
    CodeInterpreter = 2,
}

/// <summary>Nova's system tool names on the wire (Converse systemTool.name, and the IAM resource system-tool/amazon.{name}).</summary>
public static class SystemToolNames
{
    public const string Grounding = "nova_grounding";
    public const string CodeInterpreter = "nova_code_interpreter";
}

public enum EmbeddingFamily
{
    None,
    TitanTextV2,
    NovaMultimodal,
}

/// <summary>What the proxy must know of one Bedrock model to translate for it.</summary>
/// <param name="GeoProfiles">Cross-region inference profile prefixes that exist for this model (us., eu., ...).</param>
/// <param name="OnDemandInRegion">False where Bedrock refuses the bare model id and wants an inference profile.</param>
public sealed record ModelSpec(
    string Id,
    string DisplayName,
    ModelKind Kind,
    InputModalities Inputs,
    int MaxOutputTokens,
    bool SupportsTools,
    bool SupportsReasoning,
    bool OnDemandInRegion,
    string[] GeoProfiles,
    DateOnly Released,
    DateOnly? EndOfLife,
    EmbeddingFamily Embedding = EmbeddingFamily.None,
    int[]? EmbeddingDimensions = null,
    int DefaultEmbeddingDimension = 0,
    ModelStatus Status = ModelStatus.Active,
    DateOnly? LegacyOn = null,
    ServiceTiers Tiers = ServiceTiers.Default,
    SystemTools Tools = SystemTools.None)
{
    public bool Accepts(InputModalities modality) => (Inputs & modality) == modality;

    public bool IsEndOfLife(DateOnly today) => EndOfLife is { } eol && today >= eol;

    /// <summary>The lifecycle status on <paramref name="today"/>: legacy once AWS says so or from an announced legacy
    /// date, gone from its end of life.</summary>
    public ModelStatus StatusOn(DateOnly today) =>
        IsEndOfLife(today) ? ModelStatus.EndOfLife
        : Status == ModelStatus.Legacy || (LegacyOn is { } legacy && today >= legacy) ? ModelStatus.Legacy
        : ModelStatus.Active;

    public bool Offers(ServiceTiers tier) => (Tiers & tier) == tier;

    public bool Runs(SystemTools tool) => (Tools & tool) == tool;
}

/// <summary>The Bedrock models this proxy serves, kept as data. Facts and their sources:
/// ids, modalities and profiles: AWS Nova user guides (modalities.html, nova2-userguide/core-inference.html) and the
/// Bedrock model cards, digested in ../shared/reference/bedrock-runtime-wire.md §10 and peer-gateways.md §6;
/// Nova 1 maxTokens "equal or less than 5k" (nova/latest/userguide/complete-request-schema.html);
/// Nova Premier 25K output and EOL 2026-09-14 (bedrock model-card-amazon-nova-premier.html);
/// Nova 2 Lite 65,535 output (third-party catalogs; AWS's figure not found) and profile-only invocation
/// (core-inference.html lists only global. and us. ids); Titan v2 dimensions 256/512/1024
/// (model-parameters-titan-embed-text.html); Nova multimodal embeddings dimensions 256/384/1024/3072
/// (nova/latest/userguide/embeddings-schema.html). Release dates are the public announcement dates.
/// Lifecycle, tiers and system tools (../shared/reference/nova2-features.md §1-4): Nova Premier is Legacy (its card
/// gives no legacy date) with end of life 2026-09-14; the others are Active with no announced legacy date. Flex and
/// Priority: Nova Pro and Nova Premier (AWS's announcement of the tiers, 2025-11-18) and Nova 2 Lite (AWS Solutions
/// Library's tier table). Web grounding (nova_grounding): Nova 2 Lite and Nova Premier, US Regions only; the code
/// interpreter (nova_code_interpreter): Nova 2 Lite (langchain-aws; AWS's model table not found).</summary>
public static class ModelCatalog
{
    public static readonly IReadOnlyList<ModelSpec> All =
    [
        new("amazon.nova-micro-v1:0", "Amazon Nova Micro", ModelKind.Chat, InputModalities.Text, 5000,
            SupportsTools: true, SupportsReasoning: false, OnDemandInRegion: true, ["us", "eu", "apac"], new(2024, 12, 3), null),
        new("amazon.nova-lite-v1:0", "Amazon Nova Lite", ModelKind.Chat, Multimodal, 5000,
            SupportsTools: true, SupportsReasoning: false, OnDemandInRegion: true, ["us", "eu", "apac"], new(2024, 12, 3), null),
        new("amazon.nova-pro-v1:0", "Amazon Nova Pro", ModelKind.Chat, Multimodal, 5000,
            SupportsTools: true, SupportsReasoning: false, OnDemandInRegion: true, ["us", "eu", "apac"], new(2024, 12, 3), null,
            Tiers: AllTiers),
        new("amazon.nova-premier-v1:0", "Amazon Nova Premier", ModelKind.Chat, Multimodal, 25000,
            SupportsTools: true, SupportsReasoning: false, OnDemandInRegion: false, ["us"], new(2025, 4, 30), new(2026, 9, 14),
            Status: ModelStatus.Legacy, Tiers: AllTiers, Tools: SystemTools.Grounding),
        new("amazon.nova-2-lite-v1:0", "Amazon Nova 2 Lite", ModelKind.Chat, Multimodal, 65535,
            SupportsTools: true, SupportsReasoning: true, OnDemandInRegion: false, ["us", "global"], new(2025, 12, 2), null,
            Tiers: AllTiers, Tools: SystemTools.Grounding | SystemTools.CodeInterpreter),
        new("amazon.titan-embed-text-v2:0", "Amazon Titan Text Embeddings V2", ModelKind.Embedding, InputModalities.Text, 0,
            SupportsTools: false, SupportsReasoning: false, OnDemandInRegion: true, [], new(2024, 4, 30), null,
            EmbeddingFamily.TitanTextV2, [256, 512, 1024], 1024),
        new("amazon.nova-2-multimodal-embeddings-v1:0", "Amazon Nova Multimodal Embeddings", ModelKind.Embedding, InputModalities.Text, 0,
            SupportsTools: false, SupportsReasoning: false, OnDemandInRegion: true, [], new(2025, 10, 28), null,
            EmbeddingFamily.NovaMultimodal, [256, 384, 1024, 3072], 3072),
    ];

    private const ServiceTiers AllTiers = ServiceTiers.Default | ServiceTiers.Flex | ServiceTiers.Priority;

    private const InputModalities Multimodal = InputModalities.Text | InputModalities.Image | InputModalities.Video | InputModalities.Document;

    /// <summary>Region-group prefixes of cross-region inference profiles, as Bedrock names them.</summary>
    public static readonly IReadOnlyList<string> ProfilePrefixes = ["us", "eu", "apac", "global", "us-gov", "ca", "jp", "au"];

    private static readonly Dictionary<string, ModelSpec> ById = All.ToDictionary(m => m.Id, StringComparer.Ordinal);

    public static ModelSpec? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>The geo prefix of inference profiles for a Region (us-east-1 -> us, eu-west-1 -> eu, ap-* -> apac).</summary>
    public static string? GeoOf(string region) => region switch
    {
        _ when region.StartsWith("us-gov-", StringComparison.Ordinal) => "us-gov",
        _ when region.StartsWith("us-", StringComparison.Ordinal) => "us",
        _ when region.StartsWith("eu-", StringComparison.Ordinal) => "eu",
        _ when region.StartsWith("ap-", StringComparison.Ordinal) => "apac",
        _ when region.StartsWith("ca-", StringComparison.Ordinal) => "ca",
        _ => null,
    };
}
