using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BedrockNovaProxy.OpenAi;

// Response shapes, member for member as OpenAI sends them. Members that OpenAI always writes, even as null
// (content, finish_reason, logprobs), are marked Never-ignore; the context default omits nulls.
public sealed class ChatCompletion
{
    public required string Id { get; init; }
    public string Object => "chat.completion";
    public required long Created { get; init; }
    public required string Model { get; init; }
    public required List<ChatChoice> Choices { get; init; }
    public Usage? Usage { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SystemFingerprint { get; init; }
    public string? ServiceTier { get; init; }
}

public sealed class ChatChoice
{
    public int Index { get; init; }
    public required AssistantMessage Message { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

public sealed class AssistantMessage
{
    public string Role => "assistant";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Refusal { get; init; }
    // Not in OpenAI's schema; the field OpenAI-compatible servers (DeepSeek, vLLM, LiteLLM) use for reasoning text.
    public string? ReasoningContent { get; init; }
    public List<ResponseToolCall>? ToolCalls { get; init; }
    public List<ChatAnnotation>? Annotations { get; init; }
}

/// <summary>{"type":"url_citation","url_citation":{url,title,start_index,end_index}}: a web source of the text between
/// the two character offsets of the answer.</summary>
public sealed class ChatAnnotation
{
    public string Type => "url_citation";
    public required UrlCitation UrlCitation { get; init; }
}

public sealed class UrlCitation
{
    public required string Url { get; init; }
    public required string Title { get; init; }
    public int StartIndex { get; init; }
    public int EndIndex { get; init; }
}

public sealed class ResponseToolCall
{
    public required string Id { get; init; }
    public string Type => "function";
    public required ResponseFunctionCall Function { get; init; }
}

public sealed class ResponseFunctionCall
{
    public required string Name { get; init; }
    public required string Arguments { get; init; }
}

public sealed class Usage
{
    public int PromptTokens { get; init; }
    public int CompletionTokens { get; init; }
    public int TotalTokens { get; init; }
    public InputTokensDetails? PromptTokensDetails { get; init; }
    public OutputTokensDetails? CompletionTokensDetails { get; init; }
}

// Streaming: one `data:` line per chunk.
public sealed class ChatCompletionChunk
{
    public required string Id { get; init; }
    public string Object => "chat.completion.chunk";
    public required long Created { get; init; }
    public required string Model { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SystemFingerprint { get; init; }
    public string? ServiceTier { get; init; }
    public required List<ChunkChoice> Choices { get; init; }
    // Absent unless the client asked for stream_options.include_usage; then null on every chunk but the last.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public OptionalUsage Usage { get; init; }
}

// A member that can be absent, explicitly null, or set: System.Text.Json alone knows only the first or the last two.
[JsonConverter(typeof(OptionalUsageConverter))]
public readonly record struct OptionalUsage(bool Present, Usage? Value)
{
    public static OptionalUsage Null => new(true, null);
    public static OptionalUsage Of(Usage usage) => new(true, usage);
}

public sealed class OptionalUsageConverter : JsonConverter<OptionalUsage>
{
    public override OptionalUsage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("OptionalUsage is write-only.");

    public override void Write(Utf8JsonWriter writer, OptionalUsage value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Value, (JsonTypeInfo<Usage>)options.GetTypeInfo(typeof(Usage)));
        }
    }
}

public sealed class ChunkChoice
{
    public int Index { get; init; }
    public required ChunkDelta Delta { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

public sealed class ChunkDelta
{
    public string? Role { get; init; }
    public string? Content { get; init; }
    public string? ReasoningContent { get; init; }
    public List<ChunkToolCall>? ToolCalls { get; init; }
    // Not declared by OpenAI's chunk type, yet what its search models send (a chunk without content).
    public List<ChatAnnotation>? Annotations { get; init; }
}

public sealed class ChunkToolCall
{
    public int Index { get; init; }
    public string? Id { get; init; }
    public string? Type { get; init; }
    public required ChunkFunctionCall Function { get; init; }
}

public sealed class ChunkFunctionCall
{
    public string? Name { get; init; }
    public string? Arguments { get; init; }
}
