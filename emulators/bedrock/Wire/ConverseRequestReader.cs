using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>Reads and validates a Converse request body the way Bedrock does: the service model's constraints
/// (Smithy "1 validation error detected" messages), then the conversation rules and the model's own limits.
/// Messages that AWS publishes or that users quote in issues are reproduced; see docs/emulators.md. Pure.</summary>
public static partial class ConverseRequestReader
{
    private static readonly string[] ImageFormats = ["png", "jpeg", "gif", "webp"];
    private static readonly string[] DocumentFormats = ["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"];
    private static readonly string[] Efforts = ["low", "medium", "high"];

    public static ConverseRequest Read(JsonNode? body, ModelSpec model)
    {
        var root = body as JsonObject ?? throw Malformed("the request body must be a JSON object");
        var messages = ReadMessages(root["messages"], model);
        var system = ReadSystem(root["system"]);
        var inference = ReadInference(root["inferenceConfig"], model);
        var (tools, choice, systemTools) = ReadToolConfig(root["toolConfig"], model);
        var reasoning = ReadAdditionalFields(root["additionalModelRequestFields"], model, inference);
        CheckToolBlocks(messages, tools);
        var guardrail = ReadGuardrail(root["guardrailConfig"]);
        var (prefixTokens, prefixKey) = CachePrefix(root, model);
        return new ConverseRequest(messages, system, inference, tools, choice, reasoning)
        {
            Guardrail = guardrail,
            CachePrefixTokens = prefixTokens,
            CachePrefixKey = prefixKey,
            ServiceTier = ReadServiceTier(root["serviceTier"], model),
            SystemTools = systemTools,
        };
    }

    private static List<Turn> ReadMessages(JsonNode? node, ModelSpec model)
    {
        if (node is not JsonArray array || array.Count == 0)
        {
            throw Invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        }

        var turns = new List<Turn>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var message = array[i] as JsonObject ?? throw Malformed($"messages.{i} must be an object");
            var role = message["role"]?.GetValueKind() == JsonValueKind.String ? message["role"]!.GetValue<string>() : null;
            if (role is not ("user" or "assistant"))
            {
                throw Constraint(role ?? "null", $"messages.{i}.member.role", "Member must satisfy enum value set: [user, assistant]");
            }

            if (i == 0 && role != "user")
            {
                throw Invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
            }

            if (i > 0 && turns[i - 1].Role == role)
            {
                throw Invalid("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
            }

            if (message["content"] is not JsonArray content || content.Count == 0)
            {
                throw Invalid($"The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again.");
            }

            var blocks = new List<Block>(content.Count);
            for (var j = 0; j < content.Count; j++)
            {
                blocks.Add(ReadBlock(content[j], $"messages.{i}.content.{j}", role, model));
            }

            turns.Add(new Turn(role, blocks));
        }

        return turns;
    }

    private static Block ReadBlock(JsonNode? node, string path, string role, ModelSpec model)
    {
        var (kind, value) = UnionMember(node, path, "ContentBlock");
        switch (kind)
        {
            case "text":
                var text = String(value, path + ".text");
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw Invalid($"The text field in the ContentBlock object at {path} is blank. Add text to the text field, and try again.");
                }

                return new TextBlock(text);
            case "image":
                if (!model.Accepts(InputModalities.Image))
                {
                    throw Invalid($"This model doesn't support the image content block that you provided. Try again with a supported content block. ({model.Id} accepts text only.)");
                }

                if (role != "user")
                {
                    throw Invalid($"The image content block at {path} is only allowed in user messages.");
                }

                var image = value as JsonObject ?? throw Malformed($"{path}.image must be an object");
                var format = String(image["format"], path + ".image.format");
                if (!ImageFormats.Contains(format))
                {
                    throw Constraint(format, path + ".image.format", "Member must satisfy enum value set: [png, jpeg, gif, webp]");
                }

                return new ImageBlock(format, Bytes(image["source"], path + ".image.source").Length);
            case "document":
                if (!model.Accepts(InputModalities.Document))
                {
                    throw Invalid("This model doesn't support the document content block that you provided. Try again with a supported content block.");
                }

                var document = value as JsonObject ?? throw Malformed($"{path}.document must be an object");
                var documentFormat = String(document["format"], path + ".document.format");
                if (!DocumentFormats.Contains(documentFormat))
                {
                    throw Constraint(documentFormat, path + ".document.format", "Member must satisfy enum value set: [pdf, csv, doc, docx, xls, xlsx, html, txt, md]");
                }

                return new DocumentBlock(documentFormat, String(document["name"], path + ".document.name"), Bytes(document["source"], path + ".document.source").Length);
            case "toolUse":
                var use = value as JsonObject ?? throw Malformed($"{path}.toolUse must be an object");
                if (role != "assistant")
                {
                    throw Invalid($"The toolUse content block at {path} is only allowed in assistant messages.");
                }

                var id = String(use["toolUseId"], path + ".toolUse.toolUseId");
                if (!ToolUseIdPattern().IsMatch(id))
                {
                    throw Constraint(id, path + ".toolUse.toolUseId", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+");
                }

                return new ToolUseBlock(id, String(use["name"], path + ".toolUse.name"), use["input"]?.DeepClone() ?? throw Malformed($"{path}.toolUse.input is required"));
            case "toolResult":
                var result = value as JsonObject ?? throw Malformed($"{path}.toolResult must be an object");
                if (role != "user")
                {
                    throw Invalid($"The toolResult content block at {path} is only allowed in user messages.");
                }

                var status = result["status"]?.GetValue<string>() ?? "success";
                if (status is not ("success" or "error"))
                {
                    throw Constraint(status, path + ".toolResult.status", "Member must satisfy enum value set: [success, error]");
                }

                return new ToolResultBlock(String(result["toolUseId"], path + ".toolResult.toolUseId"), ToolResultText(result["content"], path + ".toolResult.content"), status);
            case "cachePoint" or "reasoningContent":
                return new OtherBlock(kind);
            default:
                throw Invalid($"The content block '{kind}' at {path} is not supported by {model.Id}.");
        }
    }

    private static string ToolResultText(JsonNode? node, string path)
    {
        if (node is not JsonArray parts)
        {
            throw Malformed($"{path} must be a list");
        }

        var texts = new List<string>();
        for (var i = 0; i < parts.Count; i++)
        {
            var (kind, value) = UnionMember(parts[i], $"{path}.{i}", "ToolResultContentBlock");
            texts.Add(kind switch
            {
                "text" => String(value, $"{path}.{i}.text"),
                "json" => value?.ToJsonString() ?? "null",
                _ => $"[{kind}]",
            });
        }

        return string.Join("\n", texts);
    }

    private static void CheckToolBlocks(List<Turn> turns, IReadOnlyList<ToolSpec> tools)
    {
        var usesTools = turns.Any(t => t.Content.Any(b => b is ToolUseBlock or ToolResultBlock));
        if (usesTools && tools.Count == 0)
        {
            throw Invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
        }

        for (var i = 0; i < turns.Count; i++)
        {
            var results = turns[i].Content.OfType<ToolResultBlock>().ToList();
            if (results.Count == 0)
            {
                continue;
            }

            var uses = i > 0 ? turns[i - 1].Content.OfType<ToolUseBlock>().Select(u => u.ToolUseId).ToList() : [];
            if (results.Count > uses.Count)
            {
                throw Invalid($"The number of toolResult blocks at messages.{i}.content exceeds the number of toolUse blocks of previous turn.");
            }

            foreach (var result in results.Where(r => !uses.Contains(r.ToolUseId)))
            {
                throw Invalid($"The toolUseId {result.ToolUseId} in the toolResult block at messages.{i} does not match any toolUse block of the previous turn.");
            }
        }
    }

    private static List<string> ReadSystem(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        var array = node as JsonArray ?? throw Malformed("system must be a list");
        var texts = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            var (kind, value) = UnionMember(array[i], $"system.{i}", "SystemContentBlock");
            if (kind == "text")
            {
                var text = String(value, $"system.{i}.text");
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw Invalid($"The text field in the SystemContentBlock object at system.{i} is blank. Add text to the text field, and try again.");
                }

                texts.Add(text);
            }
        }

        return texts;
    }

    private static InferenceSettings ReadInference(JsonNode? node, ModelSpec model)
    {
        if (node is null)
        {
            return new InferenceSettings(null, null, null, []);
        }

        var config = node as JsonObject ?? throw Malformed("inferenceConfig must be an object");
        var maxTokens = Number(config["maxTokens"], "inferenceConfig.maxTokens");
        if (maxTokens is < 1)
        {
            throw Constraint(Format(maxTokens.Value), "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1");
        }

        if (maxTokens > model.MaxOutputTokens)
        {
            throw Invalid($"The maximum tokens you requested exceeds the model limit of {model.MaxOutputTokens}. Try again with a maximum tokens value that is lower than {model.MaxOutputTokens}.");
        }

        var temperature = Number(config["temperature"], "inferenceConfig.temperature");
        var topP = Number(config["topP"], "inferenceConfig.topP");
        foreach (var (value, name) in new[] { (temperature, "temperature"), (topP, "topP") })
        {
            if (value is > 1)
            {
                throw Constraint(Format(value.Value), "inferenceConfig." + name, "Member must have value less than or equal to 1");
            }

            if (value is < 0)
            {
                throw Constraint(Format(value.Value), "inferenceConfig." + name, "Member must have value greater than or equal to 0");
            }
        }

        var stops = new List<string>();
        if (config["stopSequences"] is { } stopNode)
        {
            var array = stopNode as JsonArray ?? throw Malformed("inferenceConfig.stopSequences must be a list");
            for (var i = 0; i < array.Count; i++)
            {
                var stop = String(array[i], $"inferenceConfig.stopSequences.{i}");
                if (stop.Length == 0)
                {
                    throw Constraint("", $"inferenceConfig.stopSequences.{i}", "Member must have length greater than or equal to 1");
                }

                stops.Add(stop);
            }
        }

        return new InferenceSettings(maxTokens is { } m ? (int)m : null, temperature, topP, stops);
    }

    private static (List<ToolSpec>, ToolChoice, List<string>) ReadToolConfig(JsonNode? node, ModelSpec model)
    {
        var systemTools = new List<string>();
        if (node is null)
        {
            return ([], new ToolChoice(ToolChoiceKind.Auto), systemTools);
        }

        var config = node as JsonObject ?? throw Malformed("toolConfig must be an object");
        if (config["tools"] is not JsonArray array || array.Count == 0)
        {
            throw Constraint("[]", "toolConfig.tools", "Member must have length greater than or equal to 1");
        }

        var tools = new List<ToolSpec>();
        for (var i = 0; i < array.Count; i++)
        {
            var (kind, value) = UnionMember(array[i], $"toolConfig.tools.{i}", "Tool");
            if (kind == "systemTool")
            {
                systemTools.Add(ReadSystemTool(value, $"toolConfig.tools.{i}", model));
            }

            if (kind != "toolSpec")
            {
                continue;
            }

            var spec = value as JsonObject ?? throw Malformed($"toolConfig.tools.{i}.toolSpec must be an object");
            var name = String(spec["name"], $"toolConfig.tools.{i}.toolSpec.name");
            if (!ToolNamePattern().IsMatch(name))
            {
                throw Constraint(name, $"toolConfig.tools.{i}.member.toolSpec.name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
            }

            if (tools.Any(t => t.Name == name))
            {
                throw Invalid($"The toolConfig field contains duplicate tool names: {name}. Tool names must be unique.");
            }

            var (schemaKind, schema) = UnionMember(spec["inputSchema"], $"toolConfig.tools.{i}.toolSpec.inputSchema", "ToolInputSchema");
            if (schemaKind != "json" || schema is not JsonObject json || json["type"]?.ToString() != "object")
            {
                throw Invalid($"The JSON schema of tool {name} must be an object with \"type\": \"object\" at the top level.");
            }

            tools.Add(new ToolSpec(name, spec["description"]?.ToString(), json));
        }

        var choice = new ToolChoice(ToolChoiceKind.Auto);
        if (config["toolChoice"] is { } choiceNode)
        {
            var (choiceKind, choiceValue) = UnionMember(choiceNode, "toolConfig.toolChoice", "ToolChoice");
            choice = choiceKind switch
            {
                "auto" => new ToolChoice(ToolChoiceKind.Auto),
                "any" => new ToolChoice(ToolChoiceKind.Any),
                "tool" => new ToolChoice(ToolChoiceKind.Tool, String(choiceValue?["name"], "toolConfig.toolChoice.tool.name")),
                _ => throw Malformed($"unknown toolChoice member '{choiceKind}'"),
            };
            if (choice.Kind == ToolChoiceKind.Tool && tools.All(t => t.Name != choice.Name))
            {
                throw Invalid($"The tool {choice.Name} named in toolChoice is not one of the tools in toolConfig.");
            }
        }

        return (tools, choice, systemTools);
    }

    /// <summary>Model-specific fields. Bedrock passes them to the model, which rejects what it does not know with
    /// "The model returned the following errors: ...". Nova 2 takes reasoningConfig and inferenceConfig.topK.</summary>
    private static ReasoningSettings? ReadAdditionalFields(JsonNode? node, ModelSpec model, InferenceSettings inference)
    {
        if (node is null)
        {
            return null;
        }

        var fields = node as JsonObject ?? throw Malformed("additionalModelRequestFields must be an object");
        ReasoningSettings? reasoning = null;
        foreach (var (key, value) in fields)
        {
            switch (key)
            {
                case "inferenceConfig" when value is JsonObject extra && extra.All(kv => kv.Key == "topK"):
                    var topK = Number(extra["topK"], "additionalModelRequestFields.inferenceConfig.topK");
                    if (topK is < 0)
                    {
                        throw ModelError("#/inferenceConfig/topK: must be 0 or greater");
                    }

                    break;
                case "reasoningConfig" when model.SupportsReasoning:
                    reasoning = ReadReasoning(value, inference);
                    break;
                default:
                    throw ModelError($"extraneous key [{key}] is not permitted");
            }
        }

        return reasoning;
    }

    private static ReasoningSettings ReadReasoning(JsonNode? node, InferenceSettings inference)
    {
        var config = node as JsonObject ?? throw ModelError("#/reasoningConfig: expected type: JSONObject");
        var type = config["type"]?.ToString();
        if (type is not ("enabled" or "disabled"))
        {
            throw ModelError($"#/reasoningConfig/type: {type ?? "null"} is not a valid enum value");
        }

        var effort = config["maxReasoningEffort"]?.ToString();
        if (effort is not null && !Efforts.Contains(effort))
        {
            throw ModelError($"#/reasoningConfig/maxReasoningEffort: {effort} is not a valid enum value");
        }

        if (type == "enabled" && effort == "high" && (inference.MaxTokens is not null || inference.Temperature is not null || inference.TopP is not null))
        {
            throw ModelError("maxTokens, temperature and topP must not be set when maxReasoningEffort is high");
        }

        return new ReasoningSettings(type == "enabled", effort);
    }

    /// <summary>A Smithy union: exactly one member set. Returns its name and value.</summary>
    private static (string Kind, JsonNode? Value) UnionMember(JsonNode? node, string path, string shape)
    {
        if (node is not JsonObject obj)
        {
            throw Malformed($"{path} must be an object");
        }

        var members = obj.Where(kv => kv.Value is not null).ToList();
        return members.Count switch
        {
            1 => (members[0].Key, members[0].Value),
            0 => throw Invalid($"The {shape} object at {path} must have exactly one member set; it has none."),
            _ => throw Invalid($"The {shape} object at {path} must have exactly one member set; it has {string.Join(", ", members.Select(m => m.Key))}."),
        };
    }

    private static byte[] Bytes(JsonNode? source, string path)
    {
        var (kind, value) = UnionMember(source, path, "Source");
        if (kind != "bytes")
        {
            throw Invalid($"{path}.{kind} is not supported by the emulator; send the content inline as bytes.");
        }

        try
        {
            return Convert.FromBase64String(String(value, path + ".bytes"));
        }
        catch (FormatException)
        {
            throw Malformed($"{path}.bytes is not valid base64");
        }
    }

    private static string String(JsonNode? node, string path) =>
        node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Malformed($"{path} must be a string");

    private static double? Number(JsonNode? node, string path) => node switch
    {
        null => null,
        _ when node.GetValueKind() == JsonValueKind.Number => node.GetValue<double>(),
        _ => throw Malformed($"{path} must be a number"),
    };

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static BedrockErrorException Invalid(string message) => new(BedrockError.Validation(message));

    private static BedrockErrorException Malformed(string detail) => Invalid($"Malformed input request: {detail}, please reformat your input and try again.");

    private static BedrockErrorException ModelError(string detail) =>
        Invalid($"The model returned the following errors: Malformed input request: {detail}, please reformat your input and try again.");

    private static BedrockErrorException Constraint(string value, string path, string constraint) =>
        Invalid($"1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: {constraint}");

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_.:-]{1,64}$")]
    private static partial Regex ToolUseIdPattern();
}
