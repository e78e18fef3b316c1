namespace BedrockNovaProxy.OpenAi;

// The OpenAI Responses API request (POST /v1/responses) as clients send it. The unions (input: string or items,
// content: string or parts, tool_choice: string or object) stay JsonElement so that Translation can name the exact
// field when their shape is wrong. Members Bedrock has no use for (include, prompt_cache_key, safety_identifier,
// stream_options, text.verbosity...) are not declared: System.Text.Json skips them, which is the
// "accepted and ignored" behaviour chat completions has too.
public sealed class ResponsesRequest
{
    public string? Model { get; set; }
    public JsonElement? Input { get; set; }
    public string? Instructions { get; set; }
    public List<ResponsesTool?>? Tools { get; set; }
    public JsonElement? ToolChoice { get; set; }
    public bool? ParallelToolCalls { get; set; }
    public int? MaxOutputTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public ResponsesText? Text { get; set; }
    public ResponsesReasoning? Reasoning { get; set; }
    public bool? Stream { get; set; }
    public JsonElement? Metadata { get; set; }
    public string? User { get; set; }
    public bool? Store { get; set; }
    public string? Truncation { get; set; }
    public string? ServiceTier { get; set; }

    // Declared only so that we can refuse them: they need state this proxy does not keep, or output Converse lacks.
    public string? PreviousResponseId { get; set; }
    public JsonElement? Conversation { get; set; }
    public bool? Background { get; set; }
    public JsonElement? Prompt { get; set; }
    public int? TopLogprobs { get; set; }
}

/// <summary>Responses tools are flat: {"type":"function","name","description","parameters","strict"}.</summary>
public sealed class ResponsesTool : FunctionDefinition
{
    public string? Type { get; set; }
}

public sealed class ResponsesText
{
    public ResponsesTextFormat? Format { get; set; }
}

/// <summary>text.format: {"type":"text"}, {"type":"json_object"} or {"type":"json_schema","name","schema","strict","description"}.</summary>
public sealed class ResponsesTextFormat : JsonSchemaFormat
{
    public string? Type { get; set; }
}

public sealed class ResponsesReasoning
{
    public string? Effort { get; set; }
    public string? Summary { get; set; }
}
