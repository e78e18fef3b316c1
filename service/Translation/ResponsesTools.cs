using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A Responses request's flat function tools, tool_choice and text.format -> their chat completion
/// equivalents (which <see cref="ToolsAndFormat"/> then judges and translates), and how the response echoes each. Pure.</summary>
internal static class ResponsesTools
{
    /// <summary>The Responses API's web search tools, all mapped to Nova's web grounding.</summary>
    private static readonly string[] WebSearchTypes = ["web_search", "web_search_2025_08_26", "web_search_preview", "web_search_preview_2025_03_11"];

    /// <param name="chat">Receives the built-in tools: web search as web_search_options, the code interpreter as its flag.</param>
    public static (List<ToolDefinition?>? Tools, List<FunctionToolEcho> Echo) Tools(List<ResponsesTool?>? tools, ErrorNames names, ChatCompletionRequest chat)
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
            if (tools[i]?.Type is { } type && WebSearchTypes.Contains(type))
            {
                chat.WebSearchOptions = JsonHelpers.Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteEndObject();
                });
                names.Add(BuiltInTools.WebSearchParam, param);
                continue;
            }

            if (tools[i]?.Type == "code_interpreter")
            {
                chat.CodeInterpreter = true;
                names.Add(BuiltInTools.CodeInterpreterParam, param);
                continue;
            }

            var tool = ToolsAndFormat.FunctionTool(tools[i], t => t.Type, param,
                ": Amazon Bedrock runs web search (web_search) and the code interpreter (code_interpreter) for Nova 2, and no other built-in tool (file search, computer use...)");

            names.Add($"{param}.function", param);
            result.Add(new ToolDefinition
            {
                Type = "function",
                Function = tool,
            });
            echo.Add(new FunctionToolEcho { Name = tool.Name ?? "", Description = tool.Description, Parameters = tool.Parameters, Strict = tool.Strict });
        }

        return (result.Count > 0 ? result : null, echo);
    }

    public static (JsonElement? Chat, JsonElement Echo) ToolChoice(JsonElement? choice, bool hasTools, ErrorNames names)
    {
        if (JsonHelpers.IsNullOrAbsent(choice))
        {
            return (null, ResponsesRequestTranslator.JsonString("auto"));
        }

        var value = choice!.Value;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                // "auto" and "none" without tools ask for what happens anyway; the chat translator would refuse them.
                var keep = hasTools || value.GetString() is not ("auto" or "none");
                return (keep ? value : null, value);
            case JsonValueKind.Object:
                var type = RequireString(value, "type", "tool_choice");
                if (type != "function")
                {
                    throw UnsupportedValue("tool_choice.type", type == "allowed_tools"
                        ? "tool_choice 'allowed_tools' is not supported; send only the allowed tools in 'tools', with tool_choice 'auto' or 'required'."
                        : $"tool_choice '{type}' names a built-in tool, which this proxy does not offer; use 'auto', 'none', 'required' or {{\"type\": \"function\", \"name\": \"...\"}}.");
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
                throw WrongType("tool_choice", "a string or an object", value.ValueKind);
        }
    }

    public static (ResponseFormat? Chat, JsonElement Echo) Text(ResponsesText? text, ErrorNames names)
    {
        names.Add("response_format", "text.format");
        names.Add("response_format.json_schema", "text.format");
        var format = text?.Format;
        if (format is null)
        {
            return (null, TextEcho(w => w.WriteString("type", "text")));
        }

        var type = format.Type ?? throw Missing("text.format.type");
        var chat = type switch
        {
            "text" => null,
            "json_schema" => new ResponseFormat
            {
                Type = type,
                JsonSchema = format,
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
}
