using System.Text.RegularExpressions;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A chat request's tools, tool_choice and response_format -> Converse's toolConfig. response_format is
/// honoured by one more tool whose input is the answer (Converse has no JSON mode). Pure.</summary>
internal static partial class ToolsAndFormat
{
    private const string JsonObjectTool = "json_object";

    /// <summary>The check every API makes of tools[i] before it reads the tool's definition: an object whose type is
    /// 'function'. <paramref name="refusal"/> is what the refusal of another type says before "; only 'function' tools are."</summary>
    public static T FunctionTool<T>(T? tool, Func<T, string?> typeOf, string param, string refusal = "")
        where T : class
    {
        var value = tool ?? throw WrongType(param, "an object", JsonValueKind.Null);
        var type = typeOf(value);
        if (type != "function")
        {
            throw type is null ? Missing($"{param}.type")
                : UnsupportedValue($"{param}.type", $"Tool type '{type}' is not supported{refusal}; only 'function' tools are.");
        }

        return value;
    }

    public static List<Tool>? Tools(List<ToolDefinition?>? tools)
    {
        if (tools is null || tools.Count == 0)
        {
            return null;
        }

        var result = new List<Tool>(tools.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = FunctionTool(tools[i], t => t.Type, param);
            var function = tool.Function ?? throw Missing($"{param}.function");
            var name = RequireName(function.Name, $"{param}.function.name");
            if (!names.Add(name))
            {
                throw InvalidValue($"{param}.function.name", $"Invalid '{param}.function.name': the tool name '{name}' is used twice.");
            }

            var schema = function.Parameters is { ValueKind: not JsonValueKind.Null } p
                ? p.ValueKind == JsonValueKind.Object ? ToolSchemas.ForNova(p) : throw WrongType($"{param}.function.parameters", "an object", p.ValueKind)
                : ToolSchemas.EmptyObjectSchema;

            result.Add(new Tool
            {
                ToolSpec = new ToolSpecification
                {
                    Name = name,
                    Description = string.IsNullOrWhiteSpace(function.Description) ? null : function.Description,
                    InputSchema = new ToolInputSchema { Json = schema },
                },
            });
        }

        return result;
    }

    /// <summary>A tool or function name as Converse takes it.</summary>
    public static string RequireName(string? name, string param)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Missing(param);
        }

        if (!ToolNamePattern().IsMatch(name))
        {
            throw InvalidValue(param,
                $"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{{1,64}}$'.");
        }

        return name;
    }

    /// <summary>response_format -> the tool that carries the JSON answer (none for text).</summary>
    public static (string? Name, ToolSpecification? Spec) ResponseFormat(ResponseFormat? format, List<Tool>? tools)
    {
        if (format is null || format.Type is null or "text")
        {
            return (null, null);
        }

        var (name, description, schema) = format.Type switch
        {
            "json_object" => (JsonObjectTool, "Respond by calling this tool with your whole answer as one JSON object.", ToolSchemas.EmptyObjectSchema),
            "json_schema" => JsonSchemaTool(format.JsonSchema),
            _ => throw InvalidValue("response_format.type", $"Invalid value: '{format.Type}'. Supported values are: 'text', 'json_object' and 'json_schema'."),
        };

        if (tools?.Any(t => t.ToolSpec?.Name == name) == true)
        {
            throw InvalidValue("response_format", $"The response_format name '{name}' is also the name of a tool; rename one of them.");
        }

        return (name, new ToolSpecification { Name = name, Description = description, InputSchema = new ToolInputSchema { Json = schema } });
    }

    private static (string, string, JsonElement) JsonSchemaTool(JsonSchemaFormat? format)
    {
        if (format is null)
        {
            throw Missing("response_format.json_schema");
        }

        var name = RequireName(format.Name, "response_format.json_schema.name");
        if (format.Schema is not { ValueKind: JsonValueKind.Object } schema)
        {
            throw InvalidValue("response_format.json_schema.schema", "Invalid 'response_format.json_schema.schema': expected a JSON Schema object.");
        }

        var description = string.IsNullOrWhiteSpace(format.Description)
            ? "Respond by calling this tool: its input is your whole answer, as JSON that matches the schema."
            : format.Description;
        return (name, description, ToolSchemas.ForNova(schema));
    }

    public static ToolChoice? Choice(JsonElement? choice, List<ToolDefinition?>? declared, string? jsonTool,
        ref List<SystemContentBlock> system, List<Message> messages, ref List<Tool>? tools)
    {
        var userTools = declared is { Count: > 0 };
        if (JsonHelpers.IsNullOrAbsent(choice))
        {
            // response_format is honoured by a tool: the model must call one (the JSON tool, or one of the client's).
            return jsonTool is null ? tools is null ? null : new ToolChoice { Auto = new() }
                : userTools ? new ToolChoice { Any = new() } : Specific(jsonTool);
        }

        var value = choice!.Value;
        if (!userTools)
        {
            throw InvalidValue("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() == "auto":
                return jsonTool is null ? new ToolChoice { Auto = new() } : new ToolChoice { Any = new() };
            case JsonValueKind.String when value.GetString() == "required":
                return new ToolChoice { Any = new() };
            case JsonValueKind.String when value.GetString() == "none":
                return NoTools(jsonTool, ref system, messages, ref tools);
            case JsonValueKind.String:
                throw InvalidValue("tool_choice", $"Invalid value: '{value.GetString()}'. Supported values are: 'none', 'auto', and 'required'.");
            case JsonValueKind.Object:
                var name = value.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
                if (name is null || (value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "function"))
                {
                    throw InvalidValue("tool_choice", "Invalid 'tool_choice': expected {\"type\": \"function\", \"function\": {\"name\": \"...\"}}.");
                }

                if (!declared!.Any(t => t?.Function?.Name == name))
                {
                    throw InvalidValue("tool_choice.function.name", $"Invalid 'tool_choice': the function '{name}' is not one of the tools provided.");
                }

                return Specific(name);
            default:
                throw WrongType("tool_choice", "a string or an object", value.ValueKind);
        }
    }

    /// <summary>tool_choice "none": Converse has no such choice. Without tool blocks in the conversation the tools
    /// are simply not sent; with them Converse still requires the tool list, so the model is told not to call any.</summary>
    private static ToolChoice? NoTools(string? jsonTool, ref List<SystemContentBlock> system, List<Message> messages, ref List<Tool>? tools)
    {
        var historyUsesTools = messages.Any(m => m.Content.Any(b => b.ToolUse is not null || b.ToolResult is not null));
        if (!historyUsesTools)
        {
            tools = jsonTool is null ? null : tools!.Where(t => t.ToolSpec?.Name == jsonTool).ToList();
            return jsonTool is null ? null : Specific(jsonTool);
        }

        system.Add(new SystemContentBlock { Text = "Do not call any tool in this answer; reply in text." });
        return jsonTool is null ? new ToolChoice { Auto = new() } : Specific(jsonTool);
    }

    private static ToolChoice Specific(string name) => new() { Tool = new SpecificToolChoice { Name = name } };

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolNamePattern();
}
