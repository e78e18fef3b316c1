namespace BedrockNovaProxy.Catalog;

/// <summary>A model name clients use, and the Nova model id, inference profile id, ARN or embedding model it maps to
/// (Proxy:ModelAliases:{i}:Alias / :Model; a customer file's models.mappings).</summary>
public sealed class ModelAliasOptions
{
    public string Alias { get; set; } = "";
    public string Model { get; set; } = "";
}
