namespace BedrockNovaProxy.Translation;

/// <summary>Converse stopReason -> OpenAI finish_reason. OpenAI SDKs parse finish_reason into a closed enum, so
/// only OpenAI's own values may come out.</summary>
public static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";
    public const string ContentFilter = "content_filter";

    /// <summary>As <see cref="Map(string?)"/>, but a tool_use stop with no call for the client to answer (Bedrock ran
    /// its own tool, or the JSON tool was the answer) is a plain stop.</summary>
    public static string Map(string? stopReason, bool clientToolCalls) =>
        stopReason == "tool_use" && !clientToolCalls ? Stop : Map(stopReason);

    public static string Map(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" => Stop,
        "max_tokens" or "model_context_window_exceeded" => Length,
        "tool_use" => ToolCalls,
        "guardrail_intervened" or "content_filtered" => ContentFilter,
        // malformed_model_output, malformed_tool_use and anything new: the turn ended; say so plainly.
        _ => Stop,
    };
}
