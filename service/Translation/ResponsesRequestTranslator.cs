using System.Text.Json;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;

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
/// has (input items, flat tools, text.format, stateful parameters) and maps names back in the chat translator's
/// errors. Pure: throws <see cref="OpenAiException"/> naming the Responses field.</summary>
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

        TranslateInput(request.Input, messages, names);
        var (tools, toolEchoes) = TranslateTools(request.Tools, names);
        var (toolChoice, toolChoiceEcho) = TranslateToolChoice(request.ToolChoice, tools is { Count: > 0 }, names);
        var (format, textEcho) = TranslateText(request.Text, names);
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
            throw new OpenAiException(OpenAiError.Unsupported("previous_response_id",
                "previous_response_id is not supported: this proxy is stateless and stores no responses. Resend the conversation in 'input' instead (your earlier input items followed by the output items of the previous response)."));
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Conversation))
        {
            throw new OpenAiException(OpenAiError.Unsupported("conversation",
                "conversation is not supported: this proxy is stateless and stores no conversations. Resend the conversation's items in 'input' instead."));
        }

        if (request.Background == true)
        {
            throw new OpenAiException(OpenAiError.Unsupported("background",
                "background is not supported: this proxy stores no responses to poll later. Send the request without it (with stream: true for long answers)."));
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Prompt))
        {
            throw new OpenAiException(OpenAiError.Unsupported("prompt",
                "prompt (a stored prompt template) is not supported: send the instructions and input themselves."));
        }
    }

    private static void TranslateInput(JsonElement? input, List<ChatMessage?> messages, ErrorNames names)
    {
        if (JsonHelpers.IsNullOrAbsent(input))
        {
            throw new OpenAiException(OpenAiError.Invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter"));
        }

        var value = input!.Value;
        if (value.ValueKind == JsonValueKind.String)
        {
            var chatParam = $"messages[{messages.Count}]";
            names.Add(chatParam, "input");
            names.Add($"{chatParam}.content", "input");
            messages.Add(new ChatMessage { Role = "user", Content = value });
            return;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for 'input': expected one of a string or array of input items, but got {JsonHelpers.Describe(value.ValueKind)} instead.", "input", "invalid_type"));
        }

        if (value.GetArrayLength() == 0)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", "input", "empty_array"));
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            TranslateItem(item, $"input[{index++}]", messages, names);
        }
    }

    private static void TranslateItem(JsonElement item, string param, List<ChatMessage?> messages, ErrorNames names)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{param}': expected an object, but got {JsonHelpers.Describe(item.ValueKind)} instead.", param, "invalid_type"));
        }

        // The short form {"role","content"} is a message item without its type.
        var type = OptionalString(item, "type", param)
            ?? (item.TryGetProperty("role", out _) ? "message"
                : throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.type'.", $"{param}.type", "missing_required_parameter")));
        var chatParam = $"messages[{messages.Count}]";
        switch (type)
        {
            case "message":
                names.Add(chatParam, param);
                messages.Add(Message(item, param, chatParam, names));
                break;
            case "function_call":
                var callId = RequireString(item, "call_id", param);
                var name = RequireString(item, "name", param);
                var arguments = RequireString(item, "arguments", param);
                names.Add(chatParam, param);
                names.Add($"{chatParam}.tool_calls[0]", param);
                names.Add($"{chatParam}.tool_calls[0].id", $"{param}.call_id");
                names.Add($"{chatParam}.tool_calls[0].function", param);
                messages.Add(new ChatMessage
                {
                    Role = "assistant",
                    ToolCalls = [new ToolCall { Id = callId, Type = "function", Function = new FunctionCall { Name = name, Arguments = arguments } }],
                });
                break;
            case "function_call_output":
                var outputCallId = RequireString(item, "call_id", param);
                names.Add(chatParam, param);
                names.Add($"{chatParam}.tool_call_id", $"{param}.call_id");
                names.Add($"{chatParam}.content", $"{param}.output");
                messages.Add(new ChatMessage { Role = "tool", ToolCallId = outputCallId, Content = FunctionOutput(item, param) });
                break;
            case "reasoning":
                // The model's own earlier reasoning, replayed by clients that manage their context: Converse takes
                // only signed reasoning blocks back, so it is left out, as chat completions leaves reasoning_content out.
                break;
            case "item_reference":
                throw new OpenAiException(OpenAiError.UnsupportedValue($"{param}.type",
                    "item_reference is not supported: this proxy stores no items. Send the item itself in 'input'."));
            default:
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid value: '{type}'. Supported values are: 'message', 'function_call', 'function_call_output' and 'reasoning' (built-in tool calls such as web search are not available through this proxy).",
                    $"{param}.type", "invalid_value"));
        }
    }

    private static ChatMessage Message(JsonElement item, string param, string chatParam, ErrorNames names)
    {
        var role = RequireString(item, "role", param);
        string[] allowed = role switch
        {
            "user" => ["input_text", "input_image", "input_file"],
            "assistant" => ["output_text", "refusal", "input_text"],
            "system" or "developer" => ["input_text"],
            _ => throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid value: '{role}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.", $"{param}.role", "invalid_value")),
        };

        var contentParam = $"{param}.content";
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{contentParam}'.", contentParam, "missing_required_parameter"));
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage { Role = role, Content = content };
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{contentParam}': expected one of a string or array of content parts, but got {JsonHelpers.Describe(content.ValueKind)} instead.", contentParam, "invalid_type"));
        }

        var parts = content.EnumerateArray().ToList();
        for (var k = 0; k < parts.Count; k++)
        {
            var partParam = $"{contentParam}[{k}]";
            var type = PartType(parts[k], partParam);
            if (type == "input_audio" && role == "user")
            {
                throw new OpenAiException(OpenAiError.UnsupportedValue($"{partParam}.type", "Audio input is not supported by Amazon Nova chat models."));
            }

            if (!allowed.Contains(type))
            {
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid value: '{type}'. Supported values in {role} messages are: {string.Join(", ", allowed.Select(a => $"'{a}'"))}.", $"{partParam}.type", "invalid_value"));
            }

            var chatPart = $"{chatParam}.content[{k}]";
            if (type == "input_image")
            {
                names.Add($"{chatPart}.image_url.url", $"{partParam}.image_url");
            }
            else if (type == "input_file")
            {
                names.Add($"{chatPart}.file", partParam);
            }
        }

        return new ChatMessage
        {
            Role = role,
            Content = JsonHelpers.Build(w =>
            {
                w.WriteStartArray();
                for (var k = 0; k < parts.Count; k++)
                {
                    WriteChatPart(w, parts[k], $"{contentParam}[{k}]");
                }

                w.WriteEndArray();
            }),
        };
    }

    /// <summary>One Responses content part as the chat part that means the same. Members are copied as sent, so the
    /// chat translator judges their values (and its errors name them through <see cref="ErrorNames"/>).</summary>
    private static void WriteChatPart(Utf8JsonWriter w, JsonElement part, string param)
    {
        w.WriteStartObject();
        switch (part.GetProperty("type").GetString())
        {
            case "input_text" or "output_text":
                w.WriteString("type", "text");
                CopyMember(w, part, "text", "text");
                break;
            case "refusal":
                w.WriteString("type", "refusal");
                CopyMember(w, part, "refusal", "refusal");
                break;
            case "input_image":
                RefuseMember(part, "file_id", param, "Uploaded files (file_id) are not supported; send the image in image_url, as a data URL or an http(s) URL.");
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WriteString("url", RequireString(part, "image_url", param));
                w.WriteEndObject();
                break;
            case "input_file":
                RefuseMember(part, "file_id", param, "Uploaded files (file_id) are not supported; send the document inline as file_data (a base64 data URL).");
                RefuseMember(part, "file_url", param, "File URLs (file_url) are not supported; send the document inline as file_data (a base64 data URL).");
                var data = RequireString(part, "file_data", param);
                w.WriteString("type", "file");
                w.WriteStartObject("file");
                if (OptionalString(part, "filename", param) is { } filename)
                {
                    w.WriteString("filename", filename);
                }

                w.WriteString("file_data", data);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>function_call_output.output: a string, or a list of text parts (Converse tool results here carry text).</summary>
    private static JsonElement FunctionOutput(JsonElement item, string param)
    {
        var outputParam = $"{param}.output";
        if (!item.TryGetProperty("output", out var output) || output.ValueKind == JsonValueKind.Null)
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{outputParam}'.", outputParam, "missing_required_parameter"));
        }

        if (output.ValueKind == JsonValueKind.String)
        {
            return output;
        }

        if (output.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{outputParam}': expected one of a string or array of content parts, but got {JsonHelpers.Describe(output.ValueKind)} instead.", outputParam, "invalid_type"));
        }

        var parts = output.EnumerateArray().ToList();
        for (var k = 0; k < parts.Count; k++)
        {
            var partParam = $"{outputParam}[{k}]";
            var type = PartType(parts[k], partParam);
            if (type is not ("input_text" or "output_text"))
            {
                throw new OpenAiException(OpenAiError.UnsupportedValue($"{partParam}.type",
                    $"'{type}' parts are not supported in a function_call_output; send the tool's output as text ('input_text' parts or a string)."));
            }
        }

        return JsonHelpers.Build(w =>
        {
            w.WriteStartArray();
            foreach (var part in parts)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                CopyMember(w, part, "text", "text");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static (List<ToolDefinition?>? Tools, List<FunctionToolEcho> Echo) TranslateTools(List<ResponsesTool?>? tools, ErrorNames names)
    {
        if (tools is null || tools.Count == 0)
        {
            return (null, []);
        }

        var result = new List<ToolDefinition?>(tools.Count);
        var echo = new List<FunctionToolEcho>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = tools[i] ?? throw new OpenAiException(OpenAiError.Invalid($"Invalid type for '{param}': expected an object, but got null instead.", param, "invalid_type"));
            if (tool.Type != "function")
            {
                throw new OpenAiException(tool.Type is null
                    ? OpenAiError.Invalid($"Missing required parameter: '{param}.type'.", $"{param}.type", "missing_required_parameter")
                    : OpenAiError.UnsupportedValue($"{param}.type",
                        $"Tool type '{tool.Type}' is not supported: Amazon Bedrock runs no built-in tools (web search, file search, code interpreter...) for Nova models; only 'function' tools are."));
            }

            names.Add($"{param}.function", param);
            result.Add(new ToolDefinition
            {
                Type = "function",
                Function = new FunctionDefinition { Name = tool.Name, Description = tool.Description, Parameters = tool.Parameters, Strict = tool.Strict },
            });
            echo.Add(new FunctionToolEcho { Name = tool.Name ?? "", Description = tool.Description, Parameters = tool.Parameters, Strict = tool.Strict });
        }

        return (result, echo);
    }

    private static (JsonElement? Chat, JsonElement Echo) TranslateToolChoice(JsonElement? choice, bool hasTools, ErrorNames names)
    {
        if (JsonHelpers.IsNullOrAbsent(choice))
        {
            return (null, JsonString("auto"));
        }

        var value = choice!.Value;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                // "auto" and "none" without tools ask for what happens anyway; the chat translator would refuse them.
                var keep = hasTools || value.GetString() is not ("auto" or "none");
                return (keep ? value : null, value);
            case JsonValueKind.Object:
                var type = OptionalString(value, "type", "tool_choice")
                    ?? throw new OpenAiException(OpenAiError.Invalid("Missing required parameter: 'tool_choice.type'.", "tool_choice.type", "missing_required_parameter"));
                if (type != "function")
                {
                    throw new OpenAiException(OpenAiError.UnsupportedValue("tool_choice.type", type == "allowed_tools"
                        ? "tool_choice 'allowed_tools' is not supported; send only the allowed tools in 'tools', with tool_choice 'auto' or 'required'."
                        : $"tool_choice '{type}' names a built-in tool, which this proxy does not offer; use 'auto', 'none', 'required' or {{\"type\": \"function\", \"name\": \"...\"}}."));
                }

                var name = RequireString(value, "name", "tool_choice");
                names.Add("tool_choice.function.name", "tool_choice.name");
                var chat = JsonHelpers.Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", name);
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                return (chat, JsonHelpers.Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteString("name", name);
                    w.WriteEndObject();
                }));
            default:
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid type for 'tool_choice': expected a string or an object, but got {JsonHelpers.Describe(value.ValueKind)} instead.", "tool_choice", "invalid_type"));
        }
    }

    private static (ResponseFormat? Chat, JsonElement Echo) TranslateText(ResponsesText? text, ErrorNames names)
    {
        names.Add("response_format", "text.format");
        names.Add("response_format.json_schema", "text.format");
        var format = text?.Format;
        if (format is null)
        {
            return (null, TextEcho(w => w.WriteString("type", "text")));
        }

        var type = format.Type ?? throw new OpenAiException(OpenAiError.Invalid("Missing required parameter: 'text.format.type'.", "text.format.type", "missing_required_parameter"));
        var chat = type switch
        {
            "text" => null,
            "json_schema" => new ResponseFormat
            {
                Type = type,
                JsonSchema = new JsonSchemaFormat { Name = format.Name, Description = format.Description, Schema = format.Schema, Strict = format.Strict },
            },
            // json_object, and anything else for the chat translator to refuse by name.
            _ => new ResponseFormat { Type = type },
        };
        return (chat, TextEcho(w =>
        {
            w.WriteString("type", type);
            if (type != "json_schema")
            {
                return;
            }

            w.WriteString("name", format.Name);
            if (format.Description is not null)
            {
                w.WriteString("description", format.Description);
            }

            w.WritePropertyName("schema");
            if (format.Schema is { } schema)
            {
                schema.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            if (format.Strict is { } strict)
            {
                w.WriteBoolean("strict", strict);
            }
            else
            {
                w.WriteNull("strict");
            }
        }));
    }

    private static JsonElement TextEcho(Action<Utf8JsonWriter> writeFormat) => JsonHelpers.Build(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("format");
        writeFormat(w);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static string Truncation(string? truncation) => truncation switch
    {
        null or "disabled" => "disabled",
        // Nothing is dropped to fit the context window: a conversation too long for the model is Bedrock's 400.
        "auto" => "auto",
        _ => throw new OpenAiException(OpenAiError.Invalid(
            $"Invalid value: '{truncation}'. Supported values are: 'auto' and 'disabled'.", "truncation", "invalid_value")),
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
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for 'metadata': expected an object, but got {JsonHelpers.Describe(value.ValueKind)} instead.", "metadata", "invalid_type"));
        }

        foreach (var pair in value.EnumerateObject())
        {
            var param = $"metadata.{pair.Name}";
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid type for '{param}': expected a string, but got {JsonHelpers.Describe(pair.Value.ValueKind)} instead.", param, "invalid_type"));
            }

            if (pair.Name.Length > MaxMetadataKey || pair.Value.GetString()!.Length > MaxMetadataValue)
            {
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid '{param}': keys are at most {MaxMetadataKey} characters and values at most {MaxMetadataValue}.", param, "invalid_value"));
            }

            result[pair.Name] = pair.Value.GetString()!;
        }

        if (result.Count > MaxMetadataPairs)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid 'metadata': at most {MaxMetadataPairs} key-value pairs, but got {result.Count}.", "metadata", "invalid_value"));
        }

        return result;
    }

    private static string PartType(JsonElement part, string param)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{param}': expected an object, but got {JsonHelpers.Describe(part.ValueKind)} instead.", param, "invalid_type"));
        }

        return RequireString(part, "type", param);
    }

    private static void RefuseMember(JsonElement obj, string member, string param, string message)
    {
        if (obj.TryGetProperty(member, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            throw new OpenAiException(OpenAiError.UnsupportedValue($"{param}.{member}", message));
        }
    }

    private static void CopyMember(Utf8JsonWriter w, JsonElement from, string member, string name)
    {
        if (from.TryGetProperty(member, out var value))
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
    }

    private static string RequireString(JsonElement obj, string member, string param) =>
        OptionalString(obj, member, param)
        ?? throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.{member}'.", $"{param}.{member}", "missing_required_parameter"));

    private static string? OptionalString(JsonElement obj, string member, string param)
    {
        if (!obj.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{param}.{member}': expected a string, but got {JsonHelpers.Describe(value.ValueKind)} instead.", $"{param}.{member}", "invalid_type"));
    }

    private static JsonElement JsonString(string value) => JsonHelpers.Build(w => w.WriteStringValue(value));
}
