using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>The Converse call that answers one chat completion request, and how to shape its answer.</summary>
/// <param name="JsonTool">Name of the tool that carries response_format's JSON, when one was added.</param>
public sealed record ChatTranslation(ConverseRequest Request, ResolvedModel Model, bool Stream, bool IncludeUsage, string? JsonTool);

/// <summary>OpenAI chat completion request -> Converse request. Pure: validates as it goes and throws
/// <see cref="OpenAiException"/> naming the offending field, so nothing reaches Bedrock that it would refuse
/// for a reason we can state better.</summary>
public static partial class ChatRequestTranslator
{
    private const string JsonObjectTool = "json_object";

    public static ChatTranslation Translate(ChatCompletionRequest request, ModelResolver models)
    {
        var model = ResolveModel(request.Model, models);
        RefuseUnsupported(request);

        var tools = TranslateTools(request.Tools);
        var (jsonTool, jsonSpec) = TranslateResponseFormat(request.ResponseFormat, tools);
        if (jsonSpec is not null)
        {
            tools ??= [];
            tools.Add(new Tool { ToolSpec = jsonSpec });
        }

        var (system, messages) = TranslateMessages(request.Messages, model.Spec);
        var toolChoice = TranslateToolChoice(request.ToolChoice, request.Tools, jsonTool, ref system, messages, ref tools);

        var inference = TranslateInference(request, model.Spec);
        var converse = new ConverseRequest
        {
            Messages = messages,
            System = system.Count > 0 ? system : null,
            InferenceConfig = inference,
            AdditionalModelRequestFields = TranslateReasoning(request, model, inference),
            ToolConfig = tools is { Count: > 0 } ? new ToolConfiguration { Tools = tools, ToolChoice = toolChoice } : null,
        };

        var stream = request.Stream == true;
        return new ChatTranslation(converse, model, stream, stream && request.StreamOptions?.IncludeUsage == true, jsonTool);
    }

    private static ResolvedModel ResolveModel(string? name, ModelResolver models)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new OpenAiException(OpenAiError.Invalid("You must provide a model parameter.", "model", "missing_required_parameter"));
        }

        var model = models.Resolve(name) ?? throw new OpenAiException(OpenAiError.ModelNotFound(name));
        if (model.Spec.Kind != ModelKind.Chat)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"The model `{name}` is an embedding model; use it with /v1/embeddings, not /v1/chat/completions.", "model", "model_not_supported"));
        }

        return model;
    }

    private static void RefuseUnsupported(ChatCompletionRequest request)
    {
        if (request.N is { } n && n != 1)
        {
            throw new OpenAiException(n < 1
                ? OpenAiError.Invalid($"Invalid 'n': integer below minimum value. Expected a value >= 1, but got {n} instead.", "n", "integer_below_min_value")
                : OpenAiError.UnsupportedValue("n", $"n = {n} is not supported: Amazon Bedrock's Converse API returns one choice per request. Send n = 1, or send {n} requests."));
        }

        if (request.Logprobs == true || request.TopLogprobs is > 0)
        {
            throw new OpenAiException(OpenAiError.Unsupported(request.Logprobs == true ? "logprobs" : "top_logprobs",
                "logprobs are not supported: Amazon Bedrock's Converse API does not return token log probabilities."));
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Audio) || request.Modalities?.Contains("audio") == true)
        {
            throw new OpenAiException(OpenAiError.Unsupported(request.Modalities?.Contains("audio") == true ? "modalities" : "audio",
                "Audio output is not supported: Amazon Nova chat models answer with text only."));
        }

        foreach (var (param, value) in new[] { ("frequency_penalty", request.FrequencyPenalty), ("presence_penalty", request.PresencePenalty) })
        {
            if (value is { } v && v != 0)
            {
                throw new OpenAiException(OpenAiError.Unsupported(param, $"{param} is not supported by Amazon Bedrock's Converse API; omit it or send 0."));
            }
        }

        if (request.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any())
        {
            throw new OpenAiException(OpenAiError.Unsupported("logit_bias", "logit_bias is not supported by Amazon Bedrock's Converse API."));
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Functions) || !JsonHelpers.IsNullOrAbsent(request.FunctionCall))
        {
            throw new OpenAiException(OpenAiError.Unsupported(JsonHelpers.IsNullOrAbsent(request.Functions) ? "function_call" : "functions",
                "The deprecated 'functions' and 'function_call' parameters are not supported; use 'tools' and 'tool_choice'."));
        }
    }

    /// <summary>reasoning_effort -> Nova 2's reasoningConfig, in additionalModelRequestFields as working Bedrock clients
    /// send it. With "high" effort Nova takes no temperature, top_p or maxTokens, so none is sent (and asking for them
    /// is an error, not something dropped silently).</summary>
    private static JsonElement? TranslateReasoning(ChatCompletionRequest request, ResolvedModel model, InferenceConfiguration inference)
    {
        if (request.ReasoningEffort is not { } effort)
        {
            return null;
        }

        var level = effort switch
        {
            "none" => null,
            "minimal" or "low" => "low",
            "medium" or "high" => effort,
            _ => throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid value: '{effort}'. Supported values are: 'none', 'minimal', 'low', 'medium', and 'high'.", "reasoning_effort", "invalid_value")),
        };
        if (!model.Spec.SupportsReasoning)
        {
            throw new OpenAiException(OpenAiError.Unsupported("reasoning_effort",
                $"reasoning_effort is not supported with this model: {model.Spec.DisplayName} does not reason. Use a reasoning model such as Amazon Nova 2 Lite."));
        }

        if (level == "high")
        {
            foreach (var (set, name) in new[] { (request.Temperature is not null, "temperature"), (request.TopP is not null, "top_p"),
                (request.MaxTokens is not null || request.MaxCompletionTokens is not null, request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens") })
            {
                if (set)
                {
                    throw new OpenAiException(OpenAiError.UnsupportedValue(name,
                        $"{name} cannot be combined with reasoning_effort 'high': Amazon Nova chooses its own sampling and length at that effort."));
                }
            }

            inference.MaxTokens = null;
        }

        using var json = JsonDocument.Parse(level is null
            ? """{"reasoningConfig":{"type":"disabled"}}"""
            : "{\"reasoningConfig\":{\"type\":\"enabled\",\"maxReasoningEffort\":\"" + level + "\"}}");
        return json.RootElement.Clone();
    }

    private static InferenceConfiguration TranslateInference(ChatCompletionRequest request, ModelSpec spec)
    {
        var config = new InferenceConfiguration();

        var (maxParam, max) = request.MaxCompletionTokens is { } mct ? ("max_completion_tokens", mct) : ("max_tokens", request.MaxTokens);
        if (max is { } m)
        {
            if (m < 1)
            {
                throw new OpenAiException(OpenAiError.Invalid($"Invalid '{maxParam}': integer below minimum value. Expected a value >= 1, but got {m} instead.", maxParam, "integer_below_min_value"));
            }

            if (m > spec.MaxOutputTokens)
            {
                throw new OpenAiException(OpenAiError.Invalid(
                    $"{maxParam} is too large: {m}. This model supports at most {spec.MaxOutputTokens} completion tokens, whereas you provided {m}.", maxParam, "invalid_value"));
            }
        }

        // Left out, the answer may be as long as the model allows: never a silent short default.
        config.MaxTokens = max ?? spec.MaxOutputTokens;

        if (request.Temperature is { } t)
        {
            if (t < 0 || t > 2)
            {
                throw new OpenAiException(OpenAiError.Invalid($"Invalid 'temperature': expected a value between 0 and 2, but got {Num(t)} instead.", "temperature", "invalid_value"));
            }

            if (t > 1)
            {
                throw new OpenAiException(OpenAiError.UnsupportedValue("temperature",
                    $"temperature {Num(t)} is outside the range Amazon Nova accepts (0 to 1)."));
            }

            config.Temperature = (float)t;
        }

        if (request.TopP is { } p)
        {
            if (p < 0 || p > 1)
            {
                throw new OpenAiException(OpenAiError.Invalid($"Invalid 'top_p': expected a value between 0 and 1, but got {Num(p)} instead.", "top_p", "invalid_value"));
            }

            config.TopP = (float)p;
        }

        config.StopSequences = TranslateStop(request.Stop);
        return config;
    }

    private static List<string>? TranslateStop(JsonElement? stop)
    {
        if (JsonHelpers.IsNullOrAbsent(stop))
        {
            return null;
        }

        var value = stop!.Value;
        var list = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for 'stop': expected a string or an array of strings, but got {JsonHelpers.Describe(value.ValueKind)} instead.", "stop", "invalid_type")),
        };

        if (list.Any(s => s.Length == 0))
        {
            throw new OpenAiException(OpenAiError.Invalid("Invalid 'stop': stop sequences must not be empty strings.", "stop", "invalid_value"));
        }

        return list.Count > 0 ? list : null;
    }

    private static List<Tool>? TranslateTools(List<ToolDefinition?>? tools)
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
            var tool = tools[i] ?? throw new OpenAiException(OpenAiError.Invalid($"Invalid type for '{param}': expected an object, but got null instead.", param, "invalid_type"));
            if (tool.Type != "function")
            {
                throw new OpenAiException(tool.Type is null
                    ? OpenAiError.Invalid($"Missing required parameter: '{param}.type'.", $"{param}.type", "missing_required_parameter")
                    : OpenAiError.UnsupportedValue($"{param}.type", $"Tool type '{tool.Type}' is not supported; only 'function' tools are."));
            }

            var function = tool.Function ?? throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.function'.", $"{param}.function", "missing_required_parameter"));
            var name = RequireName(function.Name, $"{param}.function.name");
            if (!names.Add(name))
            {
                throw new OpenAiException(OpenAiError.Invalid($"Invalid '{param}.function.name': the tool name '{name}' is used twice.", $"{param}.function.name", "invalid_value"));
            }

            var schema = function.Parameters is { ValueKind: not JsonValueKind.Null } p
                ? p.ValueKind == JsonValueKind.Object ? ToolSchemas.ForNova(p)
                    : throw new OpenAiException(OpenAiError.Invalid(
                        $"Invalid type for '{param}.function.parameters': expected an object, but got {JsonHelpers.Describe(p.ValueKind)} instead.", $"{param}.function.parameters", "invalid_type"))
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

    private static string RequireName(string? name, string param)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}'.", param, "missing_required_parameter"));
        }

        if (!ToolNamePattern().IsMatch(name))
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{{1,64}}$'.", param, "invalid_value"));
        }

        return name;
    }

    private static (string? Name, ToolSpecification? Spec) TranslateResponseFormat(ResponseFormat? format, List<Tool>? tools)
    {
        if (format is null || format.Type is null or "text")
        {
            return (null, null);
        }

        var (name, description, schema) = format.Type switch
        {
            "json_object" => (JsonObjectTool, "Respond by calling this tool with your whole answer as one JSON object.", ToolSchemas.EmptyObjectSchema),
            "json_schema" => JsonSchemaTool(format.JsonSchema),
            _ => throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid value: '{format.Type}'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type", "invalid_value")),
        };

        if (tools?.Any(t => t.ToolSpec?.Name == name) == true)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                $"The response_format name '{name}' is also the name of a tool; rename one of them.", "response_format", "invalid_value"));
        }

        return (name, new ToolSpecification { Name = name, Description = description, InputSchema = new ToolInputSchema { Json = schema } });
    }

    private static (string, string, JsonElement) JsonSchemaTool(JsonSchemaFormat? format)
    {
        if (format is null)
        {
            throw new OpenAiException(OpenAiError.Invalid("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema", "missing_required_parameter"));
        }

        var name = RequireName(format.Name, "response_format.json_schema.name");
        if (format.Schema is not { ValueKind: JsonValueKind.Object } schema)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                "Invalid 'response_format.json_schema.schema': expected a JSON Schema object.", "response_format.json_schema.schema", "invalid_value"));
        }

        var description = string.IsNullOrWhiteSpace(format.Description)
            ? "Respond by calling this tool: its input is your whole answer, as JSON that matches the schema."
            : format.Description;
        return (name, description, ToolSchemas.ForNova(schema));
    }

    private static ToolChoice? TranslateToolChoice(JsonElement? choice, List<ToolDefinition?>? declared, string? jsonTool,
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
            throw new OpenAiException(OpenAiError.Invalid(
                "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", "invalid_value"));
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
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid value: '{value.GetString()}'. Supported values are: 'none', 'auto', and 'required'.", "tool_choice", "invalid_value"));
            case JsonValueKind.Object:
                var name = value.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
                if (name is null || (value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "function"))
                {
                    throw new OpenAiException(OpenAiError.Invalid(
                        "Invalid 'tool_choice': expected {\"type\": \"function\", \"function\": {\"name\": \"...\"}}.", "tool_choice", "invalid_value"));
                }

                if (!declared!.Any(t => t?.Function?.Name == name))
                {
                    throw new OpenAiException(OpenAiError.Invalid(
                        $"Invalid 'tool_choice': the function '{name}' is not one of the tools provided.", "tool_choice.function.name", "invalid_value"));
                }

                return Specific(name);
            default:
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid type for 'tool_choice': expected a string or an object, but got {JsonHelpers.Describe(value.ValueKind)} instead.", "tool_choice", "invalid_type"));
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

    private static (List<SystemContentBlock>, List<Message>) TranslateMessages(List<ChatMessage?>? input, ModelSpec spec)
    {
        if (input is null)
        {
            throw new OpenAiException(OpenAiError.Invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter"));
        }

        if (input.Count == 0)
        {
            throw new OpenAiException(OpenAiError.Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array"));
        }

        var system = new List<SystemContentBlock>();
        var turns = new List<Message>();
        for (var i = 0; i < input.Count; i++)
        {
            var param = $"messages[{i}]";
            var message = input[i] ?? throw new OpenAiException(OpenAiError.Invalid($"Invalid type for '{param}': expected an object, but got null instead.", param, "invalid_type"));
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
                    throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.role'.", $"{param}.role", "missing_required_parameter"));
                default:
                    throw new OpenAiException(OpenAiError.Invalid(
                        $"Invalid value: '{message.Role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", $"{param}.role", "invalid_value"));
            }
        }

        if (turns.Count == 0)
        {
            throw new OpenAiException(OpenAiError.Invalid(
                "Invalid 'messages': the conversation holds only system messages; add at least one user message.", "messages", "invalid_value"));
        }

        return (system, turns);
    }

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

            throw new OpenAiException(OpenAiError.Invalid($"Invalid '{param}.content': the message is empty.", $"{param}.content", "invalid_value"));
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
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid value: '{type}'. Only 'text' content parts are allowed in this message.", $"{partParam}.type", "invalid_value"));
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
                    blocks.Add(new ContentBlock { Image = Image(part, partParam, spec) });
                    break;
                case "input_audio":
                    throw new OpenAiException(OpenAiError.UnsupportedValue($"{partParam}.type", "Audio input is not supported by Amazon Nova chat models."));
                case "file":
                    blocks.Add(new ContentBlock { Document = Document(part, partParam, spec, blocks.Count(b => b.Document is not null)) });
                    break;
                default:
                    throw new OpenAiException(OpenAiError.Invalid(
                        $"Invalid value: '{type}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.", $"{partParam}.type", "invalid_value"));
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
                    _ => throw new OpenAiException(OpenAiError.Invalid(
                        $"Invalid value: '{type}'. Supported values are: 'text' and 'refusal'.", $"{partParam}.type", "invalid_value")),
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
                var call = calls[j] ?? throw new OpenAiException(OpenAiError.Invalid($"Invalid type for '{callParam}': expected an object, but got null instead.", callParam, "invalid_type"));
                var id = call.Id is { Length: > 0 } ? ToolUseId(call.Id)
                    : throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{callParam}.id'.", $"{callParam}.id", "missing_required_parameter"));
                var function = call.Function ?? throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{callParam}.function'.", $"{callParam}.function", "missing_required_parameter"));
                var name = RequireName(function.Name, $"{callParam}.function.name");
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
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.tool_call_id'.", $"{param}.tool_call_id", "missing_required_parameter"));
        }

        // A tool may legitimately return nothing; Converse still needs one non-blank content block.
        var texts = JsonHelpers.IsNullOrAbsent(message.Content) ? [] : TextParts(message.Content, param);
        var content = texts.Count > 0
            ? texts.Select(t => new ToolResultContentBlock { Text = t }).ToList()
            : [new ToolResultContentBlock { Text = "(no output)" }];
        return new ContentBlock { ToolResult = new ToolResultBlock { ToolUseId = ToolUseId(message.ToolCallId), Content = content } };
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
                throw new OpenAiException(OpenAiError.Invalid(
                    $"Invalid '{param}': expected a JSON object, but got {JsonHelpers.Describe(doc.RootElement.ValueKind)} instead.", param, "invalid_value"));
            }

            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new OpenAiException(OpenAiError.Invalid($"Invalid '{param}': not valid JSON.", param, "invalid_value"));
        }
    }

    private static ImageBlock Image(JsonElement part, string param, ModelSpec spec)
    {
        // {"type":"image_url","image_url":{"url":"..."}}; some clients send "image_url":"..." directly.
        var urlParam = $"{param}.image_url.url";
        var url = part.TryGetProperty("image_url", out var imageUrl) switch
        {
            true when imageUrl.ValueKind == JsonValueKind.String => imageUrl.GetString(),
            true when imageUrl.ValueKind == JsonValueKind.Object && imageUrl.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{urlParam}'.", urlParam, "missing_required_parameter")),
        };

        if (!spec.Accepts(InputModalities.Image))
        {
            throw new OpenAiException(OpenAiError.UnsupportedValue(param, $"{spec.DisplayName} does not accept image input; use a multimodal model such as Amazon Nova Lite or Pro."));
        }

        var match = DataUrlPattern().Match(url!);
        if (!match.Success)
        {
            throw new OpenAiException(url!.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                ? OpenAiError.UnsupportedValue(urlParam, "Image URLs must be base64 data URLs (data:image/png;base64,...): this deployment does not fetch remote images.")
                : OpenAiError.Invalid($"Invalid '{urlParam}': expected a data URL such as data:image/png;base64,....", urlParam, "invalid_value"));
        }

        var format = match.Groups["mime"].Value.ToLowerInvariant() switch
        {
            "image/png" => "png",
            "image/jpeg" or "image/jpg" => "jpeg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            var other => throw new OpenAiException(OpenAiError.UnsupportedValue(urlParam,
                $"Image type '{other}' is not supported; Amazon Nova accepts image/png, image/jpeg, image/gif and image/webp.")),
        };

        var data = match.Groups["data"].Value;
        if (data.Length == 0 || !Base64.IsValid(data))
        {
            throw new OpenAiException(OpenAiError.Invalid($"Invalid '{urlParam}': the image data is not valid base64.", urlParam, "invalid_value"));
        }

        return new ImageBlock { Format = format, Source = new BytesSource { Bytes = data } };
    }

    /// <summary>{"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,..."}} -> a Converse
    /// document block on models that read documents. Uploaded files (file_id) are not stored by this proxy.</summary>
    private static DocumentBlock Document(JsonElement part, string param, ModelSpec spec, int index)
    {
        var dataParam = $"{param}.file.file_data";
        if (!part.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{param}.file'.", $"{param}.file", "missing_required_parameter"));
        }

        if (file.TryGetProperty("file_id", out _))
        {
            throw new OpenAiException(OpenAiError.UnsupportedValue($"{param}.file.file_id", "Uploaded files (file_id) are not supported; send the document inline as file_data (a base64 data URL)."));
        }

        if (!spec.Accepts(InputModalities.Document))
        {
            throw new OpenAiException(OpenAiError.UnsupportedValue(param, $"{spec.DisplayName} does not read documents; use Amazon Nova Lite, Pro or Nova 2 Lite."));
        }

        var data = file.TryGetProperty("file_data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! :
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{dataParam}'.", dataParam, "missing_required_parameter"));
        var match = DataUrlPattern().Match(data);
        if (!match.Success || match.Groups["data"].Length == 0 || !Base64.IsValid(match.Groups["data"].Value))
        {
            throw new OpenAiException(OpenAiError.Invalid($"Invalid '{dataParam}': expected a base64 data URL such as data:application/pdf;base64,....", dataParam, "invalid_value"));
        }

        var filename = file.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
        var format = DocumentFormat(match.Groups["mime"].Value.ToLowerInvariant(), Path.GetExtension(filename).TrimStart('.').ToLowerInvariant())
            ?? throw new OpenAiException(OpenAiError.UnsupportedValue(dataParam,
                "Document type not supported; Amazon Nova reads pdf, csv, doc, docx, xls, xlsx, html, txt and md."));

        // Bedrock accepts letters, digits, single spaces, hyphens, parentheses and square brackets in a document name.
        var name = CollapseSpaces(DocumentNameChars().Replace(Path.GetFileNameWithoutExtension(filename), " ")).Trim();
        return new DocumentBlock { Format = format, Name = name.Length > 0 ? name : $"document {index + 1}", Source = new BytesSource { Bytes = match.Groups["data"].Value } };
    }

    private static string? DocumentFormat(string mime, string extension) => mime switch
    {
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/html" => "html",
        "text/plain" => "txt",
        "text/markdown" => "md",
        _ when extension is "pdf" or "csv" or "doc" or "docx" or "xls" or "xlsx" or "html" or "txt" or "md" => extension,
        _ => null,
    };

    private static string CollapseSpaces(string value) => MultipleSpaces().Replace(value, " ");

    /// <summary>Content is a string (one text part) or an array of part objects.</summary>
    private static IEnumerable<(JsonElement Part, string Param)> Parts(JsonElement? content, string param)
    {
        var contentParam = $"{param}.content";
        if (JsonHelpers.IsNullOrAbsent(content))
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{contentParam}'.", contentParam, "missing_required_parameter"));
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
            throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{contentParam}': expected one of a string or array of objects, but got {JsonHelpers.Describe(value.ValueKind)} instead.", contentParam, "invalid_type"));
        }

        return value.EnumerateArray().Select((part, j) => (part, $"{contentParam}[{j}]")).ToList();
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

    private static string RequireString(JsonElement obj, string member, string param)
    {
        var memberParam = $"{param}.{member}";
        if (!obj.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new OpenAiException(OpenAiError.Invalid($"Missing required parameter: '{memberParam}'.", memberParam, "missing_required_parameter"));
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new OpenAiException(OpenAiError.Invalid(
                $"Invalid type for '{memberParam}': expected a string, but got {JsonHelpers.Describe(value.ValueKind)} instead.", memberParam, "invalid_type"));
    }

    private static void AddText(List<string> texts, string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            texts.Add(text);
        }
    }

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_.:-]+$")]
    private static partial Regex ToolUseIdPattern();

    [GeneratedRegex("[^a-zA-Z0-9_.:-]")]
    private static partial Regex InvalidToolUseIdChars();

    [GeneratedRegex(@"[^a-zA-Z0-9\s\-\(\)\[\]]")]
    private static partial Regex DocumentNameChars();

    [GeneratedRegex(@"\s+")]
    private static partial Regex MultipleSpaces();

    [GeneratedRegex(@"^data:(?<mime>[^;,]*)(?:;[^;,]*)*;base64,(?<data>.*)$", RegexOptions.Singleline)]
    private static partial Regex DataUrlPattern();
}
