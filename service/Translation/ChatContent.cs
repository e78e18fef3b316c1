using System.Text.RegularExpressions;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A chat request's messages -> Converse's system prompt and alternating turns: text, image and document
/// parts (<see cref="ChatMedia"/>), the assistant's tool calls and the tools' results. Pure.</summary>
internal static partial class ChatContent
{
    public static (List<SystemContentBlock>, List<Message>) Messages(List<ChatMessage?>? input, ModelSpec spec)
    {
        if (input is null)
        {
            throw Missing("messages");
        }

        if (input.Count == 0)
        {
            throw EmptyArray("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        }

        var system = new List<SystemContentBlock>();
        var turns = new List<Message>();
        for (var i = 0; i < input.Count; i++)
        {
            var param = $"messages[{i}]";
            var message = input[i] ?? throw WrongType(param, "an object", JsonValueKind.Null);
            switch (message.Role)
            {
                case "system" or "developer":
                    foreach (var text in TextParts(message.Content, param))
                    {
                        system.Add(new SystemContentBlock { Text = text });
                    }

                    break;
                case "user":
                    Append(turns, "user", UserContent(message.Content, param, spec), param);
                    break;
                case "assistant":
                    Append(turns, "assistant", AssistantContent(message, param), param);
                    break;
                case "tool":
                    Append(turns, "user", [ToolResult(message, param)], param);
                    break;
                case null:
                    throw Missing($"{param}.role");
                default:
                    throw InvalidValue($"{param}.role",
                        $"Invalid value: '{message.Role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.");
            }
        }

        if (turns.Count == 0)
        {
            throw InvalidValue("messages", "Invalid 'messages': the conversation holds only system messages; add at least one user message.");
        }

        return (system, turns);
    }

    /// <summary>Converse tool-use ids are [a-zA-Z0-9_.:-]{1,64}; OpenAI ids are free-form. The same mapping is applied
    /// to an assistant's tool_calls[].id and to the tool message's tool_call_id, so pairs keep matching.</summary>
    public static string ToolUseId(string id)
    {
        if (id.Length <= 64 && ToolUseIdPattern().IsMatch(id))
        {
            return id;
        }

        var cleaned = InvalidToolUseIdChars().Replace(id, "_");
        if (cleaned.Length <= 64)
        {
            return cleaned;
        }

        // Keep it unique when truncating: a hash of the whole id replaces the tail.
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..16];
        return cleaned[..47] + "_" + hash;
    }

    public static OpenAiException NoAudioInput(string param) => UnsupportedValue(param, "Audio input is not supported by Amazon Nova chat models.");

    /// <summary>Converse wants strictly alternating turns: consecutive same-role messages become one turn, which
    /// also groups a run of tool results into the single user turn that follows the assistant's tool calls.</summary>
    private static void Append(List<Message> turns, string role, List<ContentBlock> blocks, string param)
    {
        if (blocks.Count == 0)
        {
            if (role == "assistant")
            {
                return; // an empty assistant message says nothing; Converse would refuse it
            }

            throw InvalidValue($"{param}.content", $"Invalid '{param}.content': the message is empty.");
        }

        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Content.AddRange(blocks);
        }
        else
        {
            turns.Add(new Message { Role = role, Content = blocks });
        }
    }

    private static List<string> TextParts(JsonElement? content, string param)
    {
        var texts = new List<string>();
        foreach (var (part, partParam) in Parts(content, param))
        {
            var type = PartType(part, partParam);
            if (type != "text")
            {
                throw InvalidValue($"{partParam}.type", $"Invalid value: '{type}'. Only 'text' content parts are allowed in this message.");
            }

            AddText(texts, RequireString(part, "text", partParam));
        }

        return texts;
    }

    private static List<ContentBlock> UserContent(JsonElement? content, string param, ModelSpec spec)
    {
        var blocks = new List<ContentBlock>();
        foreach (var (part, partParam) in Parts(content, param))
        {
            var type = PartType(part, partParam);
            switch (type)
            {
                case "text":
                    var text = RequireString(part, "text", partParam);
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        blocks.Add(new ContentBlock { Text = text });
                    }

                    break;
                case "image_url":
                    blocks.Add(new ContentBlock { Image = ChatMedia.Image(part, partParam, spec) });
                    break;
                case "input_audio":
                    throw NoAudioInput($"{partParam}.type");
                case "file":
                    blocks.Add(new ContentBlock { Document = ChatMedia.Document(part, partParam, spec, blocks.Count(b => b.Document is not null)) });
                    break;
                default:
                    throw InvalidValue($"{partParam}.type",
                        $"Invalid value: '{type}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.");
            }
        }

        return blocks;
    }

    private static List<ContentBlock> AssistantContent(ChatMessage message, string param)
    {
        var blocks = new List<ContentBlock>();
        if (!JsonHelpers.IsNullOrAbsent(message.Content))
        {
            foreach (var (part, partParam) in Parts(message.Content, param))
            {
                var type = PartType(part, partParam);
                var text = type switch
                {
                    "text" => RequireString(part, "text", partParam),
                    "refusal" => RequireString(part, "refusal", partParam),
                    _ => throw InvalidValue($"{partParam}.type", $"Invalid value: '{type}'. Supported values are: 'text' and 'refusal'."),
                };
                if (!string.IsNullOrWhiteSpace(text))
                {
                    blocks.Add(new ContentBlock { Text = text });
                }
            }
        }

        if (message.ToolCalls is { } calls)
        {
            for (var j = 0; j < calls.Count; j++)
            {
                var callParam = $"{param}.tool_calls[{j}]";
                var call = calls[j] ?? throw WrongType(callParam, "an object", JsonValueKind.Null);
                var id = call.Id is { Length: > 0 } ? ToolUseId(call.Id) : throw Missing($"{callParam}.id");
                var function = call.Function ?? throw Missing($"{callParam}.function");
                var name = ToolsAndFormat.RequireName(function.Name, $"{callParam}.function.name");
                blocks.Add(new ContentBlock
                {
                    ToolUse = new ToolUseBlock { ToolUseId = id, Name = name, Input = Arguments(function.Arguments, $"{callParam}.function.arguments") },
                });
            }
        }

        return blocks;
    }

    private static ContentBlock ToolResult(ChatMessage message, string param)
    {
        if (string.IsNullOrEmpty(message.ToolCallId))
        {
            throw Missing($"{param}.tool_call_id");
        }

        // A tool may legitimately return nothing; Converse still needs one non-blank content block.
        var texts = JsonHelpers.IsNullOrAbsent(message.Content) ? [] : TextParts(message.Content, param);
        var content = texts.Count > 0
            ? texts.Select(t => new ToolResultContentBlock { Text = t }).ToList()
            : [new ToolResultContentBlock { Text = "(no output)" }];
        return new ContentBlock { ToolResult = new ToolResultBlock { ToolUseId = ToolUseId(message.ToolCallId), Content = content } };
    }

    private static JsonElement Arguments(string? arguments, string param)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return JsonHelpers.EmptyObject;
        }

        try
        {
            using var doc = JsonDocument.Parse(arguments);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw InvalidValue(param, $"Invalid '{param}': expected a JSON object, but got {JsonHelpers.Describe(doc.RootElement.ValueKind)} instead.");
            }

            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw InvalidValue(param, $"Invalid '{param}': not valid JSON.");
        }
    }

    /// <summary>Content is a string (one text part) or an array of part objects.</summary>
    private static IEnumerable<(JsonElement Part, string Param)> Parts(JsonElement? content, string param)
    {
        var contentParam = $"{param}.content";
        if (JsonHelpers.IsNullOrAbsent(content))
        {
            throw Missing(contentParam);
        }

        var value = content!.Value;
        if (value.ValueKind == JsonValueKind.String)
        {
            return [(JsonHelpers.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", value.GetString());
                w.WriteEndObject();
            }), contentParam)];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(contentParam, "one of a string or array of objects", value.ValueKind);
        }

        return value.EnumerateArray().Select((part, j) => (part, $"{contentParam}[{j}]")).ToList();
    }

    private static void AddText(List<string> texts, string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            texts.Add(text);
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_.:-]+$")]
    private static partial Regex ToolUseIdPattern();

    [GeneratedRegex("[^a-zA-Z0-9_.:-]")]
    private static partial Regex InvalidToolUseIdChars();
}
