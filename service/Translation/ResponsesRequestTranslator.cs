using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>What every response object repeats of the request that asked for it.</summary>
public sealed record ResponseEcho(
    string? Instructions,
    int? MaxOutputTokens,
    bool ParallelToolCalls,
    ReasoningEcho Reasoning,
    double? Temperature,
    double? TopP,
    JsonElement Text,
    JsonElement ToolChoice,
    List<FunctionToolEcho> Tools,
    string Truncation,
    string? User,
    Dictionary<string, string> Metadata);

/// <summary>A Responses request as the chat completion request that means the same (before its images are fetched),
/// what the answer must echo, and the chat translator's field names in Responses terms.</summary>
public sealed record ResponsesDraft(ChatCompletionRequest Chat, ResponseEcho Echo, ErrorNames Names);

/// <summary>The Converse call that answers one Responses request, and what its answer echoes.</summary>
public sealed record ResponsesTranslation(ChatTranslation Chat, ResponseEcho Echo);

/// <summary>OpenAI Responses request -> the equivalent chat completion request, then -> Converse through
/// <see cref="ChatRequestTranslator"/>, so that both endpoints share one set of rules (models, per-key restrictions,
/// inference limits, tools, images, documents, JSON output, reasoning). This part checks what only the Responses shape
/// has (input items in <see cref="ResponsesInput"/>; flat tools and text.format in <see cref="ResponsesTools"/>;
/// stateful parameters, truncation and metadata here) and maps names back in the chat translator's errors. Pure:
/// throws <see cref="OpenAiException"/> naming the Responses field.</summary>
public static class ResponsesRequestTranslator
{
    private const int MaxMetadataPairs = 16;
    private const int MaxMetadataKey = 64;
    private const int MaxMetadataValue = 512;

    public static ResponsesDraft ToChat(ResponsesRequest request)
    {
        RefuseStateful(request);
        var names = new ErrorNames();
        names.Add("messages", "input");
        names.Add("max_completion_tokens", "max_output_tokens");
        names.Add("reasoning_effort", "reasoning.effort");
        var messages = new List<ChatMessage?>();
        if (request.Instructions is { } instructions)
        {
            names.Add("messages[0]", "instructions");
            names.Add("messages[0].content", "instructions");
            messages.Add(new ChatMessage { Role = "developer", Content = JsonString(instructions) });
        }

        ResponsesInput.Translate(request.Input, messages, names);
        var builtIn = new ChatCompletionRequest();
        var (tools, toolEchoes) = ResponsesTools.Tools(request.Tools, names, builtIn);
        var (toolChoice, toolChoiceEcho) = ResponsesTools.ToolChoice(request.ToolChoice, tools is { Count: > 0 }, names);
        var (format, textEcho) = ResponsesTools.Text(request.Text, names);
        var stream = request.Stream == true;

        var chat = new ChatCompletionRequest
        {
            Model = request.Model,
            Messages = messages,
            Stream = stream,
            // The response.completed event carries the usage, so the stream always asks for it.
            StreamOptions = stream ? new StreamOptions { IncludeUsage = true } : null,
            MaxCompletionTokens = request.MaxOutputTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = request.ParallelToolCalls,
            ResponseFormat = format,
            ReasoningEffort = request.Reasoning?.Effort,
            TopLogprobs = request.TopLogprobs,
            ServiceTier = request.ServiceTier,
            WebSearchOptions = builtIn.WebSearchOptions,
            CodeInterpreter = builtIn.CodeInterpreter,
        };

        var echo = new ResponseEcho(
            request.Instructions,
            request.MaxOutputTokens,
            request.ParallelToolCalls ?? true,
            new ReasoningEcho { Effort = request.Reasoning?.Effort, Summary = request.Reasoning?.Summary },
            request.Temperature,
            request.TopP,
            textEcho,
            toolChoiceEcho,
            toolEchoes,
            Truncation(request.Truncation),
            request.User,
            Metadata(request.Metadata));
        return new ResponsesDraft(chat, echo, names);
    }

    /// <summary>The draft (its images inlined) -> Converse, with the chat translator's errors in Responses names.</summary>
    public static ResponsesTranslation ToConverse(ResponsesDraft draft, ModelResolver models)
    {
        try
        {
            return new ResponsesTranslation(ChatRequestTranslator.Translate(draft.Chat, models), draft.Echo);
        }
        catch (OpenAiException e)
        {
            throw new OpenAiException(draft.Names.Rename(e.Error));
        }
    }

    /// <summary>This proxy keeps nothing between requests: parameters that point at stored state cannot be honoured,
    /// and pretending would answer a different question than the one asked.</summary>
    private static void RefuseStateful(ResponsesRequest request)
    {
        if (!string.IsNullOrEmpty(request.PreviousResponseId))
        {
            throw Unsupported("previous_response_id",
                "previous_response_id is not supported: this proxy is stateless and stores no responses. Resend the conversation in 'input' instead (your earlier input items followed by the output items of the previous response).");
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Conversation))
        {
            throw Unsupported("conversation",
                "conversation is not supported: this proxy is stateless and stores no conversations. Resend the conversation's items in 'input' instead.");
        }

        if (request.Background == true)
        {
            throw Unsupported("background",
                "background is not supported: this proxy stores no responses to poll later. Send the request without it (with stream: true for long answers).");
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Prompt))
        {
            throw Unsupported("prompt", "prompt (a stored prompt template) is not supported: send the instructions and input themselves.");
        }
    }

    private static string Truncation(string? truncation) => truncation switch
    {
        null or "disabled" => "disabled",
        // Nothing is dropped to fit the context window: a conversation too long for the model is Bedrock's 400.
        "auto" => "auto",
        _ => throw InvalidValue("truncation", $"Invalid value: '{truncation}'. Supported values are: 'auto' and 'disabled'."),
    };

    /// <summary>metadata: at most 16 string pairs, keys up to 64 characters and values up to 512, as OpenAI checks.
    /// Only echoed back: nothing is stored to query by it.</summary>
    private static Dictionary<string, string> Metadata(JsonElement? metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonHelpers.IsNullOrAbsent(metadata))
        {
            return result;
        }

        var value = metadata!.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw WrongType("metadata", "an object", value.ValueKind);
        }

        foreach (var pair in value.EnumerateObject())
        {
            var param = $"metadata.{pair.Name}";
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw WrongType(param, "a string", pair.Value.ValueKind);
            }

            if (pair.Name.Length > MaxMetadataKey || pair.Value.GetString()!.Length > MaxMetadataValue)
            {
                throw InvalidValue(param, $"Invalid '{param}': keys are at most {MaxMetadataKey} characters and values at most {MaxMetadataValue}.");
            }

            result[pair.Name] = pair.Value.GetString()!;
        }

        if (result.Count > MaxMetadataPairs)
        {
            throw InvalidValue("metadata", $"Invalid 'metadata': at most {MaxMetadataPairs} key-value pairs, but got {result.Count}.");
        }

        return result;
    }

    internal static JsonElement JsonString(string value) => JsonHelpers.Build(w => w.WriteStringValue(value));
}
