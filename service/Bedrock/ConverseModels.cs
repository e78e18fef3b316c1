using System.Text.Json.Serialization;

namespace BedrockNovaProxy.Bedrock;

// Converse / ConverseStream wire shapes (restJson1, camelCase). Unions are classes with one member set;
// unset members are omitted (BedrockJsonContext ignores nulls). Blobs travel as base64 strings.
// Source: botocore bedrock-runtime service-2.json, digested in ../shared/reference/bedrock-runtime-wire.md §2-3.

public sealed class ConverseRequest
{
    public List<Message>? Messages { get; set; }
    public List<SystemContentBlock>? System { get; set; }
    public InferenceConfiguration? InferenceConfig { get; set; }
    public ToolConfiguration? ToolConfig { get; set; }
    public GuardrailConfiguration? GuardrailConfig { get; set; }
    public JsonElement? AdditionalModelRequestFields { get; set; }
    public ServiceTier? ServiceTier { get; set; }
}

/// <summary>serviceTier: {"type": "priority" | "default" | "flex" | "reserved"}, in the request and in the answer.</summary>
public sealed class ServiceTier
{
    public required string Type { get; set; }
}

public sealed class Message
{
    public required string Role { get; set; }
    public required List<ContentBlock> Content { get; set; }
}

public sealed class SystemContentBlock
{
    public string? Text { get; set; }
    public CachePointBlock? CachePoint { get; set; }
}

public sealed class ContentBlock
{
    public string? Text { get; set; }
    public ImageBlock? Image { get; set; }
    public DocumentBlock? Document { get; set; }
    public ToolUseBlock? ToolUse { get; set; }
    public ToolResultBlock? ToolResult { get; set; }
    public CachePointBlock? CachePoint { get; set; }
    public ReasoningContentBlock? ReasoningContent { get; set; }
    public CitationsContentBlock? CitationsContent { get; set; }
}

/// <summary>Grounded text and the web sources it cites (Nova's nova_grounding): content holds the text, each citation
/// its source's location.</summary>
public sealed class CitationsContentBlock
{
    public List<CitationText>? Content { get; set; }
    public List<Citation>? Citations { get; set; }
}

public sealed class CitationText
{
    public string? Text { get; set; }
}

/// <summary>A citation (and, streamed, a CitationsDelta): title, source and the cited text when the model gives them,
/// and a location union of which the proxy reads web {url, domain}.</summary>
public sealed class Citation
{
    public string? Title { get; set; }
    public string? Source { get; set; }
    public List<CitationText>? SourceContent { get; set; }
    public CitationLocation? Location { get; set; }
}

public sealed class CitationLocation
{
    public WebLocation? Web { get; set; }
}

public sealed class WebLocation
{
    public string? Url { get; set; }
    public string? Domain { get; set; }
}

public sealed class ImageBlock
{
    public required string Format { get; set; }
    public required BytesSource Source { get; set; }
}

public sealed class DocumentBlock
{
    public string? Format { get; set; }
    public required string Name { get; set; }
    public required BytesSource Source { get; set; }
}

public sealed class BytesSource
{
    // base64, exactly as the client sent it: the proxy never needs the decoded bytes.
    public string? Bytes { get; set; }
}

public sealed class ToolUseBlock
{
    public required string ToolUseId { get; set; }
    public required string Name { get; set; }
    public required JsonElement Input { get; set; }

    /// <summary>server_tool_use for a system tool Bedrock ran itself (nova_code_interpreter, nova_grounding).</summary>
    public string? Type { get; set; }
}

public sealed class ToolResultBlock
{
    public required string ToolUseId { get; set; }
    public required List<ToolResultContentBlock> Content { get; set; }
    public string? Status { get; set; }

    /// <summary>A system tool's result type (nova_code_interpreter_result).</summary>
    public string? Type { get; set; }
}

public sealed class ToolResultContentBlock
{
    public string? Text { get; set; }
    public JsonElement? Json { get; set; }
    public ImageBlock? Image { get; set; }
}

public sealed class CachePointBlock
{
    public string Type { get; set; } = "default";
}

public sealed class ReasoningContentBlock
{
    public ReasoningText? ReasoningText { get; set; }
    public string? RedactedContent { get; set; }
}

public sealed class ReasoningText
{
    public string? Text { get; set; }
    public string? Signature { get; set; }
}

public sealed class InferenceConfiguration
{
    public int? MaxTokens { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public List<string>? StopSequences { get; set; }
}

public sealed class ToolConfiguration
{
    public required List<Tool> Tools { get; set; }
    public ToolChoice? ToolChoice { get; set; }
}

public sealed class Tool
{
    public ToolSpecification? ToolSpec { get; set; }
    public SystemTool? SystemTool { get; set; }
    public CachePointBlock? CachePoint { get; set; }
}

/// <summary>A tool Bedrock runs itself: nova_grounding, nova_code_interpreter.</summary>
public sealed class SystemTool
{
    public required string Name { get; set; }
}

public sealed class ToolSpecification
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required ToolInputSchema InputSchema { get; set; }
}

public sealed class ToolInputSchema
{
    public required JsonElement Json { get; set; }
}

public sealed class ToolChoice
{
    public EmptyObject? Auto { get; set; }
    public EmptyObject? Any { get; set; }
    public SpecificToolChoice? Tool { get; set; }
}

public sealed class EmptyObject;

public sealed class SpecificToolChoice
{
    public required string Name { get; set; }
}

public sealed class GuardrailConfiguration
{
    public required string GuardrailIdentifier { get; set; }
    public required string GuardrailVersion { get; set; }
    public string? Trace { get; set; }
    public string? StreamProcessingMode { get; set; }
}

public sealed class ConverseResponse
{
    public ConverseOutput? Output { get; set; }
    public string? StopReason { get; set; }
    public TokenUsage? Usage { get; set; }
    public ConverseMetrics? Metrics { get; set; }
    public JsonElement? AdditionalModelResponseFields { get; set; }
    public JsonElement? Trace { get; set; }
    public ServiceTier? ServiceTier { get; set; }
}

public sealed class ConverseOutput
{
    public Message? Message { get; set; }
}

public sealed class TokenUsage
{
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public int TotalTokens { get; set; }
    public int? CacheReadInputTokens { get; set; }
    public int? CacheWriteInputTokens { get; set; }
}

public sealed class ConverseMetrics
{
    public long LatencyMs { get; set; }
}

// ConverseStream events: the `:event-type` header names the union member; the payload is that member's JSON.
public sealed class MessageStartEvent
{
    public string? Role { get; set; }
}

public sealed class ContentBlockStartEvent
{
    public ContentBlockStart? Start { get; set; }
    public int ContentBlockIndex { get; set; }
}

public sealed class ContentBlockStart
{
    public ToolUseStart? ToolUse { get; set; }
    public ToolResultStart? ToolResult { get; set; }
}

public sealed class ToolUseStart
{
    public string? ToolUseId { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
}

public sealed class ToolResultStart
{
    public string? ToolUseId { get; set; }
    public string? Type { get; set; }
    public string? Status { get; set; }
}

public sealed class ContentBlockDeltaEvent
{
    public ContentBlockDelta? Delta { get; set; }
    public int ContentBlockIndex { get; set; }
}

public sealed class ContentBlockDelta
{
    public string? Text { get; set; }
    public ToolUseDelta? ToolUse { get; set; }
    public ReasoningDelta? ReasoningContent { get; set; }
    public Citation? Citation { get; set; }

    /// <summary>A system tool's result, streamed: a list of {text} or {json} parts.</summary>
    public List<ToolResultContentBlock>? ToolResult { get; set; }
}

public sealed class ToolUseDelta
{
    public string? Input { get; set; }
}

public sealed class ReasoningDelta
{
    public string? Text { get; set; }
    public string? RedactedContent { get; set; }
    public string? Signature { get; set; }
}

public sealed class ContentBlockStopEvent
{
    public int ContentBlockIndex { get; set; }
}

public sealed class MessageStopEvent
{
    public string? StopReason { get; set; }
    public JsonElement? AdditionalModelResponseFields { get; set; }
}

public sealed class MetadataEvent
{
    public TokenUsage? Usage { get; set; }
    public ConverseMetrics? Metrics { get; set; }
    public JsonElement? Trace { get; set; }
    public ServiceTier? ServiceTier { get; set; }
}

// Error bodies: {"message": "..."}; ModelStreamErrorException adds the model's own status and message.
public sealed class BedrockErrorBody
{
    public string? Message { get; set; }
    [JsonPropertyName("Message")]
    public string? MessageUpper { get; set; }
    [JsonPropertyName("__type")]
    public string? Type { get; set; }
    public string? Code { get; set; }
    public int? OriginalStatusCode { get; set; }
    public string? OriginalMessage { get; set; }
}

// InvokeModel bodies for the two embedding families.
public sealed class TitanEmbeddingRequest
{
    public required string InputText { get; set; }
    public int? Dimensions { get; set; }
    public bool? Normalize { get; set; }
}

public sealed class TitanEmbeddingResponse
{
    public float[]? Embedding { get; set; }
    public int InputTextTokenCount { get; set; }
}

public sealed class NovaEmbeddingRequest
{
    public string SchemaVersion { get; set; } = "nova-multimodal-embed-v1";
    public string TaskType { get; set; } = "SINGLE_EMBEDDING";
    public required NovaSingleEmbeddingParams SingleEmbeddingParams { get; set; }
}

public sealed class NovaSingleEmbeddingParams
{
    public string EmbeddingPurpose { get; set; } = "GENERIC_INDEX";
    public int EmbeddingDimension { get; set; }
    public required NovaEmbeddingText Text { get; set; }
}

public sealed class NovaEmbeddingText
{
    public string TruncationMode { get; set; } = "END";
    public required string Value { get; set; }
}

public sealed class NovaEmbeddingResponse
{
    public List<NovaEmbedding>? Embeddings { get; set; }
}

public sealed class NovaEmbedding
{
    public string? EmbeddingType { get; set; }
    public float[]? Embedding { get; set; }
}
