using System.Text.Json.Serialization;

namespace BedrockNovaProxy.OpenAi;

// The Responses API answer, member for member as OpenAI's reference (and openai-python's generated types) shape it.
// Members OpenAI always writes, even as null, are Never-ignore; the context default omits nulls, which is how the
// flat item, part and event classes below carry only the members of their own "type".

/// <summary>A response object: the whole answer, and the payload of the response.* lifecycle events.</summary>
public sealed class ResponseObject
{
    public required string Id { get; init; }
    public string Object => "response";
    public required long CreatedAt { get; init; }
    public required string Status { get; init; }
    public bool Background => false;
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseErrorInfo? Error { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IncompleteDetails? IncompleteDetails { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Instructions { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? MaxOutputTokens { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? MaxToolCalls => null;
    public required string Model { get; init; }
    public required List<OutputItem> Output { get; init; }
    public bool ParallelToolCalls { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousResponseId => null;
    public required ReasoningEcho Reasoning { get; init; }
    // Nothing is stored, whatever the request asked: the answer says so.
    public bool Store => false;
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? Temperature { get; init; }
    public required JsonElement Text { get; init; }
    public required JsonElement ToolChoice { get; init; }
    public required List<FunctionToolEcho> Tools { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? TopP { get; init; }
    public required string Truncation { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseUsage? Usage { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? User { get; init; }
    public required Dictionary<string, string> Metadata { get; init; }
    public string? ServiceTier { get; init; }
}

/// <summary>response.error: {"code","message"}, set when status is "failed".</summary>
public sealed class ResponseErrorInfo
{
    public required string Code { get; init; }
    public required string Message { get; init; }
}

public sealed class IncompleteDetails
{
    public required string Reason { get; init; }
}

public sealed class ReasoningEcho
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Effort { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Summary { get; init; }
}

public sealed class FunctionToolEcho
{
    public string Type => "function";
    public required string Name { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Description { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Parameters { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool? Strict { get; init; }
}

/// <summary>One output item. message: id, status, role, content (output_text parts); function_call: id, status,
/// call_id, name, arguments; reasoning: id, status, summary (always present, empty here: Nova gives its reasoning
/// itself, not a summary of it) and content (reasoning_text parts).</summary>
public sealed class OutputItem
{
    public required string Type { get; init; }
    public required string Id { get; init; }
    public required string Status { get; init; }
    public string? Role { get; init; }
    public List<OutputContent>? Content { get; init; }
    public List<OutputContent>? Summary { get; init; }
    public string? CallId { get; init; }
    public string? Name { get; init; }
    public string? Arguments { get; init; }

    /// <summary>web_search_call: what was searched.</summary>
    public WebSearchAction? Action { get; init; }

    /// <summary>code_interpreter_call: the code, its container (always written, null here) and outputs (logs).</summary>
    public string? Code { get; init; }
    public List<CodeInterpreterOutput>? Outputs { get; init; }

    public const string Message = "message";
    public const string FunctionCall = "function_call";
    public const string Reasoning = "reasoning";
    public const string WebSearchCall = "web_search_call";
    public const string CodeInterpreterCall = "code_interpreter_call";
}

/// <summary>{"type":"search","query","sources":[{"type":"url","url"}]}.</summary>
public sealed class WebSearchAction
{
    public string Type => "search";
    public string? Query { get; init; }
    public List<WebSearchSource>? Sources { get; init; }
}

public sealed class WebSearchSource
{
    public string Type => "url";
    public required string Url { get; init; }
}

/// <summary>{"type":"logs","logs"}: what the code printed.</summary>
public sealed class CodeInterpreterOutput
{
    public string Type => "logs";
    public required string Logs { get; init; }
}

/// <summary>output_text's url_citation: flat {type, url, title, start_index, end_index}.</summary>
public sealed class ResponseAnnotation
{
    public string Type => "url_citation";
    public required string Url { get; init; }
    public required string Title { get; init; }
    public int StartIndex { get; init; }
    public int EndIndex { get; init; }

    public static ResponseAnnotation Of(ChatAnnotation annotation) => new()
    {
        Url = annotation.UrlCitation.Url,
        Title = annotation.UrlCitation.Title,
        StartIndex = annotation.UrlCitation.StartIndex,
        EndIndex = annotation.UrlCitation.EndIndex,
    };
}

/// <summary>A content part: output_text (with its annotations, always an array) or reasoning_text.</summary>
public sealed class OutputContent
{
    public required string Type { get; init; }
    public required string Text { get; init; }
    public List<ResponseAnnotation>? Annotations { get; init; }

    public static OutputContent OutputText(string text, List<ResponseAnnotation>? annotations = null) =>
        new() { Type = "output_text", Text = text, Annotations = annotations ?? [] };

    public static OutputContent ReasoningText(string text) => new() { Type = "reasoning_text", Text = text };
}

public sealed class ResponseUsage
{
    public int InputTokens { get; init; }
    public required InputTokensDetails InputTokensDetails { get; init; }
    public int OutputTokens { get; init; }
    public required OutputTokensDetails OutputTokensDetails { get; init; }
    public int TotalTokens { get; init; }
}

/// <summary>input_tokens_details here, prompt_tokens_details in a chat completion's usage: the same object.</summary>
public sealed class InputTokensDetails
{
    public int CachedTokens { get; init; }
}

/// <summary>output_tokens_details here, completion_tokens_details in a chat completion's usage: the same object.</summary>
public sealed class OutputTokensDetails
{
    public int ReasoningTokens { get; init; }
}

/// <summary>One streamed event (`event: {type}` / `data: {...}`), every one with its sequence_number. The members set
/// are those of its type: response (lifecycle), output_index and item (output_item.*), item_id, output_index,
/// content_index and part (content_part.*), delta or text (output_text.*, reasoning_text.*), delta or arguments
/// (function_call_arguments.*, whose done event also names the function).</summary>
public sealed record ResponseStreamEvent
{
    public required string Type { get; init; }
    public required int SequenceNumber { get; init; }
    public ResponseObject? Response { get; init; }
    public string? ItemId { get; init; }
    public int? OutputIndex { get; init; }
    public int? ContentIndex { get; init; }
    public OutputItem? Item { get; init; }
    public OutputContent? Part { get; init; }
    public string? Delta { get; init; }
    public string? Text { get; init; }
    public string? Name { get; init; }
    public string? Arguments { get; init; }
    public List<JsonElement>? Logprobs { get; init; }
    public ResponseAnnotation? Annotation { get; init; }
    public int? AnnotationIndex { get; init; }
    public string? Code { get; init; }
}

/// <summary>The `error` event: {"type":"error","code","message","param","sequence_number"}, code and param always written.</summary>
public sealed class ResponseErrorEvent
{
    public string Type => "error";
    public required int SequenceNumber { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
    public required string Message { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }
}
