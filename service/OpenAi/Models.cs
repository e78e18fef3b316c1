namespace BedrockNovaProxy.OpenAi;

public sealed class ModelList
{
    public string Object => "list";
    public required List<ModelInfo> Data { get; init; }
}

public sealed class ModelInfo
{
    public required string Id { get; init; }
    public string Object => "model";
    public required long Created { get; init; }
    public required string OwnedBy { get; init; }
}
