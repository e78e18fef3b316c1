using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>Converse response -> Responses API response object. It reads the answer through
/// <see cref="ChatResponseTranslator"/> (so response_format's JSON tool, finish reasons and usage mean the same on
/// both endpoints) and lays it out as output items: reasoning, then the message, then one function_call per tool
/// call, which is the order Nova produces them in. Pure; ids come from the caller.</summary>
public static class ResponsesResponseTranslator
{
    public const string Completed = "completed";
    public const string Incomplete = "incomplete";
    public const string InProgress = "in_progress";
    public const string Failed = "failed";

    /// <summary>A code run that failed: OpenAI's schema has "failed" and "incomplete" for it, but the official .NET SDK
    /// (2.15) reads neither on a code_interpreter_call (it throws), so the run is "completed" and its stderr is in the
    /// logs, as a terminal shows it.</summary>
    public const string FailedRun = Completed;

    /// <param name="newId">Makes an id from its prefix ("msg", "fc", "rs"): <see cref="Ids.Next"/> in production.</param>
    public static ResponseObject Translate(ConverseResponse response, ResponsesTranslation call, string id, long createdAt, Func<string, string> newId)
    {
        var completion = ChatResponseTranslator.Translate(response, call.Chat, id, createdAt);
        var choice = completion.Choices[0];
        var (status, incomplete) = Outcome(choice.FinishReason);
        var output = new List<OutputItem>();
        if (choice.Message.ReasoningContent is { } reasoning)
        {
            output.Add(Reasoning(newId("rs"), reasoning, Completed));
        }

        var blocks = response.Output?.Message?.Content ?? [];
        var annotations = choice.Message.Annotations?.Select(ResponseAnnotation.Of).ToList();
        if (BuiltInTools.Grounded(call.Chat.Request))
        {
            output.Add(WebSearchCall(newId("ws"), Completed, ServerToolCalls.GroundingQuery(blocks), annotations));
        }

        output.AddRange(CodeInterpreterCalls(blocks, newId));
        if (choice.Message.Content is { } text)
        {
            output.Add(Message(newId("msg"), text, status, annotations));
        }

        foreach (var tool in choice.Message.ToolCalls ?? [])
        {
            output.Add(FunctionCall(newId("fc"), tool.Id, tool.Function.Name, tool.Function.Arguments, Completed));
        }

        return Shell(call, id, createdAt, status, output, UsageOf(completion.Usage), incomplete, serviceTier: completion.ServiceTier);
    }

    /// <summary>finish_reason -> the response's status: cut short by the token limit or by a content filter
    /// (a Bedrock guardrail included) is "incomplete" with OpenAI's reason, anything else "completed".</summary>
    public static (string Status, IncompleteDetails? Details) Outcome(string? finishReason) => finishReason switch
    {
        FinishReasons.Length => (Incomplete, new IncompleteDetails { Reason = "max_output_tokens" }),
        FinishReasons.ContentFilter => (Incomplete, new IncompleteDetails { Reason = "content_filter" }),
        _ => (Completed, null),
    };

    /// <summary>The response object around <paramref name="output"/>, with everything it echoes of the request.</summary>
    public static ResponseObject Shell(ResponsesTranslation call, string id, long createdAt, string status, List<OutputItem> output,
        ResponseUsage? usage, IncompleteDetails? incomplete = null, ResponseErrorInfo? error = null, string? serviceTier = null)
    {
        var echo = call.Echo;
        return new ResponseObject
        {
            Id = id,
            CreatedAt = createdAt,
            Status = status,
            Error = error,
            IncompleteDetails = incomplete,
            Instructions = echo.Instructions,
            MaxOutputTokens = echo.MaxOutputTokens,
            Model = call.Chat.Model.RequestedName,
            Output = output,
            ParallelToolCalls = echo.ParallelToolCalls,
            Reasoning = echo.Reasoning,
            Temperature = echo.Temperature,
            Text = echo.Text,
            ToolChoice = echo.ToolChoice,
            Tools = echo.Tools,
            TopP = echo.TopP,
            Truncation = echo.Truncation,
            Usage = usage,
            User = echo.User,
            Metadata = echo.Metadata,
            ServiceTier = serviceTier ?? ServiceTierMapping.Reported(call.Chat.Request, null),
        };
    }

    /// <summary>Chat usage -> Responses usage: the same counts under the Responses names.</summary>
    public static ResponseUsage UsageOf(Usage? usage) => new()
    {
        InputTokens = usage?.PromptTokens ?? 0,
        InputTokensDetails = usage?.PromptTokensDetails ?? new(),
        OutputTokens = usage?.CompletionTokens ?? 0,
        OutputTokensDetails = usage?.CompletionTokensDetails ?? new(),
        TotalTokens = usage?.TotalTokens ?? 0,
    };

    public static OutputItem Message(string id, string? text, string status, List<ResponseAnnotation>? annotations = null) => new()
    {
        Type = OutputItem.Message,
        Id = id,
        Status = status,
        Role = "assistant",
        Content = text is null ? [] : [OutputContent.OutputText(text, annotations)],
    };

    /// <summary>A web_search_call: Bedrock announces no search, so the item stands for the grounding the request turned
    /// on, with the query Bedrock reports (if any) and the cited pages as its sources.</summary>
    public static OutputItem WebSearchCall(string id, string status, string? query, IEnumerable<ResponseAnnotation>? cited) => new()
    {
        Type = OutputItem.WebSearchCall,
        Id = id,
        Status = status,
        Action = new WebSearchAction
        {
            Query = query,
            Sources = cited?.Select(a => a.Url).Distinct().Select(url => new WebSearchSource { Url = url }).ToList() is { Count: > 0 } sources ? sources : null,
        },
    };

    public static OutputItem CodeInterpreterCall(string id, string status, string code, List<CodeInterpreterOutput>? outputs) => new()
    {
        Type = OutputItem.CodeInterpreterCall,
        Id = id,
        Status = status,
        Code = code,
        Outputs = outputs ?? [],
    };

    /// <summary>Each nova_code_interpreter tool use with its result (matched by toolUseId).</summary>
    private static IEnumerable<OutputItem> CodeInterpreterCalls(List<ContentBlock> blocks, Func<string, string> newId)
    {
        var results = blocks.Select(b => b.ToolResult).OfType<ToolResultBlock>().ToDictionary(r => r.ToolUseId, StringComparer.Ordinal);
        foreach (var use in blocks.Select(b => b.ToolUse).Where(u => u?.Name == SystemToolNames.CodeInterpreter))
        {
            var (outputs, failed) = results.TryGetValue(use!.ToolUseId, out var result) ? ServerToolCalls.Result(result.Content, result.Status) : ([], false);
            yield return CodeInterpreterCall(newId("ci"), failed ? FailedRun : Completed, ServerToolCalls.Code(use.Input.GetRawText()), outputs);
        }
    }

    public static OutputItem Reasoning(string id, string? text, string status) => new()
    {
        Type = OutputItem.Reasoning,
        Id = id,
        Status = status,
        Summary = [],
        Content = text is null ? [] : [OutputContent.ReasoningText(text)],
    };

    public static OutputItem FunctionCall(string id, string callId, string name, string arguments, string status) => new()
    {
        Type = OutputItem.FunctionCall,
        Id = id,
        Status = status,
        CallId = callId,
        Name = name,
        Arguments = arguments,
    };
}
