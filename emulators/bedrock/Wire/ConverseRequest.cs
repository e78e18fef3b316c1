using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>A Converse / ConverseStream request after validation: only what the emulator acts on.</summary>
public sealed record ConverseRequest(
    IReadOnlyList<Turn> Messages,
    IReadOnlyList<string> System,
    InferenceSettings Inference,
    IReadOnlyList<ToolSpec> Tools,
    ToolChoice Choice,
    ReasoningSettings? Reasoning)
{
    /// <summary>A guardrail was given (guardrailConfig); the emulated one denies prompts about "forbidden" things.</summary>
    public bool Guardrail { get; init; }

    /// <summary>Tokens before the request's cache points (system, tools): what prompt caching would store.</summary>
    public int CachePrefixTokens { get; init; }

    /// <summary>Identifies the cached prefix (model, system, tools), to tell a cache write from a read.</summary>
    public string CachePrefixKey { get; init; } = "";

    /// <summary>serviceTier.type, when given.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>The system tools (nova_grounding, nova_code_interpreter) the request enables.</summary>
    public IReadOnlyList<string> SystemTools { get; init; } = [];
}

public sealed record Turn(string Role, IReadOnlyList<Block> Content);

public abstract record Block;

public sealed record TextBlock(string Text) : Block;

public sealed record ImageBlock(string Format, int ByteCount) : Block;

public sealed record DocumentBlock(string Format, string Name, int ByteCount) : Block;

public sealed record ToolUseBlock(string ToolUseId, string Name, JsonNode Input) : Block;

/// <param name="Text">The result's content flattened to text (JSON results serialised).</param>
public sealed record ToolResultBlock(string ToolUseId, string Text, string Status) : Block;

/// <summary>cachePoint and reasoningContent blocks: accepted, not acted on.</summary>
public sealed record OtherBlock(string Kind) : Block;

public sealed record InferenceSettings(int? MaxTokens, double? Temperature, double? TopP, IReadOnlyList<string> StopSequences);

public sealed record ToolSpec(string Name, string? Description, JsonObject Schema);

public enum ToolChoiceKind
{
    Auto,
    Any,
    Tool,
}

public sealed record ToolChoice(ToolChoiceKind Kind, string? Name = null);

public sealed record ReasoningSettings(bool Enabled, string? MaxEffort);
