using System.Text.Json.Serialization;

namespace BedrockNovaProxy.OpenAi;

// The OpenAI Chat Completions request as clients send it. Polymorphic members (content, stop, tool_choice)
// stay JsonElement so that Translation can name the exact field when their shape is wrong.
// Members OpenAI clients commonly send but Converse has no use for (user, seed, metadata, store, ...) are not
// declared: System.Text.Json skips unknown members, which is the "accepted and ignored" behaviour we want.
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessage?>? Messages { get; set; }
    public bool? Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public JsonElement? Stop { get; set; }
    public List<ToolDefinition?>? Tools { get; set; }
    public JsonElement? ToolChoice { get; set; }
    public bool? ParallelToolCalls { get; set; }
    public ResponseFormat? ResponseFormat { get; set; }
    public string? ReasoningEffort { get; set; }
    public string? ServiceTier { get; set; }
    public JsonElement? WebSearchOptions { get; set; }

    /// <summary>Not a chat completions member: set by the Responses API's code_interpreter tool (chat has no such tool).</summary>
    [JsonIgnore]
    public bool CodeInterpreter { get; set; }

    // Declared only so that we can refuse them: Converse cannot honour them and ignoring them would be wrong.
    public int? N { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    public JsonElement? Audio { get; set; }
    public List<string?>? Modalities { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? PresencePenalty { get; set; }
    public JsonElement? LogitBias { get; set; }
    public JsonElement? Functions { get; set; }
    public JsonElement? FunctionCall { get; set; }
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}

public sealed class ChatMessage
{
    public string? Role { get; set; }
    public JsonElement? Content { get; set; }
    public string? Name { get; set; }
    public List<ToolCall?>? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
    public JsonElement? FunctionCall { get; set; }
}

public sealed class ToolCall
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public FunctionCall? Function { get; set; }
}

public sealed class FunctionCall
{
    public string? Name { get; set; }
    public string? Arguments { get; set; }
}

public sealed class ToolDefinition
{
    public string? Type { get; set; }
    public FunctionDefinition? Function { get; set; }
}

/// <summary>A function tool's definition; the Responses API's flat function tool is this with its type beside it.</summary>
public class FunctionDefinition
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Parameters { get; set; }
    public bool? Strict { get; set; }
}

public sealed class ResponseFormat
{
    public string? Type { get; set; }
    public JsonSchemaFormat? JsonSchema { get; set; }
}

/// <summary>response_format.json_schema; the Responses API's text.format is this with its type beside it.</summary>
public class JsonSchemaFormat
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Schema { get; set; }
    public bool? Strict { get; set; }
}
