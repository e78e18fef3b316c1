using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A Responses request's input (a string, or message, function_call, function_call_output and reasoning
/// items) -> the chat messages that mean the same, each with its Responses name in <see cref="ErrorNames"/>. Content
/// parts are copied as sent, so <see cref="ChatContent"/> judges their values. Pure.</summary>
internal static class ResponsesInput
{
    public static void Translate(JsonElement? input, List<ChatMessage?> messages, ErrorNames names)
    {
        if (JsonHelpers.IsNullOrAbsent(input))
        {
            throw Missing("input");
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
            throw WrongType("input", "one of a string or array of input items", value.ValueKind);
        }

        if (value.GetArrayLength() == 0)
        {
            throw EmptyArray("input", "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            Item(item, $"input[{index++}]", messages, names);
        }
    }

    private static void Item(JsonElement item, string param, List<ChatMessage?> messages, ErrorNames names)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(param, "an object", item.ValueKind);
        }

        // The short form {"role","content"} is a message item without its type.
        var type = OptionalString(item, "type", param) ?? (item.TryGetProperty("role", out _) ? "message" : throw Missing($"{param}.type"));
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
            case "web_search_call" or "code_interpreter_call":
                // Earlier runs of Bedrock's own tools, replayed with the output: what they found is in the message
                // that followed them, and Converse takes no server tool blocks from the client.
                break;
            case "item_reference":
                throw UnsupportedValue($"{param}.type", "item_reference is not supported: this proxy stores no items. Send the item itself in 'input'.");
            default:
                throw InvalidValue($"{param}.type",
                    $"Invalid value: '{type}'. Supported values are: 'message', 'function_call', 'function_call_output' and 'reasoning' (built-in tool calls such as web search are not available through this proxy).");
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
            _ => throw InvalidValue($"{param}.role", $"Invalid value: '{role}'. Supported values are: 'user', 'assistant', 'system', and 'developer'."),
        };

        var contentParam = $"{param}.content";
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            throw Missing(contentParam);
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage { Role = role, Content = content };
        }

        var parts = Parts(content, contentParam);
        for (var k = 0; k < parts.Count; k++)
        {
            var partParam = $"{contentParam}[{k}]";
            var type = PartType(parts[k], partParam);
            if (type == "input_audio" && role == "user")
            {
                throw ChatContent.NoAudioInput($"{partParam}.type");
            }

            if (!allowed.Contains(type))
            {
                throw InvalidValue($"{partParam}.type",
                    $"Invalid value: '{type}'. Supported values in {role} messages are: {string.Join(", ", allowed.Select(a => $"'{a}'"))}.");
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
            throw Missing(outputParam);
        }

        if (output.ValueKind == JsonValueKind.String)
        {
            return output;
        }

        var parts = Parts(output, outputParam);
        for (var k = 0; k < parts.Count; k++)
        {
            var partParam = $"{outputParam}[{k}]";
            var type = PartType(parts[k], partParam);
            if (type is not ("input_text" or "output_text"))
            {
                throw UnsupportedValue($"{partParam}.type",
                    $"'{type}' parts are not supported in a function_call_output; send the tool's output as text ('input_text' parts or a string).");
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

    /// <summary>The parts of content that is not a string (that case is handled before): it must be an array.</summary>
    private static List<JsonElement> Parts(JsonElement content, string param) =>
        content.ValueKind == JsonValueKind.Array ? [.. content.EnumerateArray()]
            : throw WrongType(param, "one of a string or array of content parts", content.ValueKind);

    private static void RefuseMember(JsonElement obj, string member, string param, string message)
    {
        if (obj.TryGetProperty(member, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            throw UnsupportedValue($"{param}.{member}", message);
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
}
