namespace BedrockNovaProxy.Catalog;

/// <summary>Bedrock prompt caching: cache points after the parts of a request that repeat between calls
/// (Proxy:PromptCaching; a customer file's models.prompt_caching).</summary>
public sealed record PromptCachingOptions
{
    /// <summary>A cache point after the system prompt (long, shared instructions).</summary>
    public bool System { get; set; }

    /// <summary>A cache point after the tool definitions.</summary>
    public bool Tools { get; set; }
}
