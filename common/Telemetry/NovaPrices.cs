namespace BedrockNovaProxy.Telemetry;

/// <summary>On-demand price of one model, in USD per million tokens.</summary>
public sealed record ModelPrice(string ModelId, decimal InputPerMillion, decimal OutputPerMillion);

/// <summary>Amazon Bedrock on-demand prices, kept as data to estimate cost per request. Source: the Amazon Bedrock
/// pricing page (aws.amazon.com/bedrock/pricing), US East (N. Virginia), standard tier, as published for Nova 1
/// (December 2024), Nova Premier (April 2025), Nova 2 Lite (December 2025) and Titan Text Embeddings V2; read
/// 2026-11-25. Cross-region inference profiles are billed at the source Region's price. Other Regions, batch,
/// cached-token discounts and priority tiers differ: these are estimates, labelled as such in the metrics. Models
/// whose price is not in the table (Nova multimodal embeddings) report no cost rather than a guess.</summary>
public static class NovaPrices
{
    public const string Region = "us-east-1";
    public const string Source = "https://aws.amazon.com/bedrock/pricing/ (us-east-1, on-demand, read 2026-11-25)";

    public static readonly IReadOnlyList<ModelPrice> All =
    [
        new("amazon.nova-micro-v1:0", 0.035m, 0.14m),
        new("amazon.nova-lite-v1:0", 0.06m, 0.24m),
        new("amazon.nova-pro-v1:0", 0.80m, 3.20m),
        new("amazon.nova-premier-v1:0", 2.50m, 12.50m),
        new("amazon.nova-2-lite-v1:0", 0.30m, 2.50m),
        new("amazon.titan-embed-text-v2:0", 0.02m, 0m),
    ];

    private static readonly Dictionary<string, ModelPrice> ById = All.ToDictionary(p => p.ModelId, StringComparer.Ordinal);

    /// <summary>Estimated cost of one call at its service tier (null or default: standard), or null when the
    /// model's price is not known.</summary>
    public static decimal? Estimate(string modelId, int inputTokens, int outputTokens, string? tier = null) =>
        ById.TryGetValue(modelId, out var price)
            ? ((inputTokens * price.InputPerMillion) + (outputTokens * price.OutputPerMillion)) * TierFactor(tier) / 1_000_000m
            : null;

    /// <summary>Price of a service tier against standard. AWS states only "standard rate + premium" (priority) and
    /// "discounted standard rate" (flex) in its tier guide; these factors are the proxy's assumption (priority
    /// +75%, flex -50%), to be replaced by the pricing page's per-model tier prices when they are read in.</summary>
    public static decimal TierFactor(string? tier) => tier switch
    {
        "priority" => 1.75m,
        "flex" => 0.5m,
        _ => 1m,
    };
}
