using System.Text.Json.Serialization;

namespace BedrockNovaProxy.OpenAi;

// {"error":{"message","type","param","code"}}: all four members always present, as OpenAI writes them.
public sealed class ErrorResponse
{
    public required ErrorBody Error { get; init; }
}

public sealed class ErrorBody
{
    public required string Message { get; init; }
    public required string Type { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
}
