using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

// The request's options beside its conversation: the guardrail, the cache points, the service tier and the system
// tools, read and checked as Bedrock does.
public static partial class ConverseRequestReader
{
    /// <summary>The system prompt and tool definitions up to their cache points, as prompt caching sees them.</summary>
    private static (int Tokens, string Key) CachePrefix(JsonObject root, ModelSpec model)
    {
        var parts = new List<string>();
        if (root["toolConfig"]?["tools"] is JsonArray tools && tools.Any(t => t?["cachePoint"] is not null))
        {
            parts.Add(new JsonArray([.. tools.TakeWhile(t => t?["cachePoint"] is null).Select(t => t?.DeepClone())]).ToJsonString());
        }

        if (root["system"] is JsonArray system && system.Any(b => b?["cachePoint"] is not null))
        {
            parts.AddRange(system.TakeWhile(b => b?["cachePoint"] is null).Select(b => b?["text"]?.ToString() ?? ""));
        }

        return parts.Count == 0 ? (0, "") : (parts.Sum(Conversation.Tokenizer.Count), model.Id + "\n" + string.Join("\n", parts));
    }

    private static bool ReadGuardrail(JsonNode? node)
    {
        if (node is null)
        {
            return false;
        }

        var config = node as JsonObject ?? throw Malformed("guardrailConfig must be an object");
        var identifier = String(config["guardrailIdentifier"], "guardrailConfig.guardrailIdentifier");
        var version = String(config["guardrailVersion"], "guardrailConfig.guardrailVersion");
        if (identifier.Length == 0)
        {
            throw Constraint("", "guardrailConfig.guardrailIdentifier", "Member must have length greater than or equal to 1");
        }

        if (!GuardrailVersionPattern().IsMatch(version))
        {
            throw Constraint(version, "guardrailConfig.guardrailVersion", "Member must satisfy regular expression pattern: (([1-9][0-9]{0,7})|(DRAFT))");
        }

        var trace = config["trace"]?.ToString();
        if (trace is not (null or "enabled" or "disabled" or "enabled_full"))
        {
            throw Constraint(trace, "guardrailConfig.trace", "Member must satisfy enum value set: [enabled, disabled, enabled_full]");
        }

        return true;
    }

    private static readonly string[] TierNames = ["priority", "default", "flex", "reserved"];

    /// <summary>serviceTier {"type"}: Bedrock's enum, then whether this model is offered in the tier (Bedrock answers a
    /// ValidationException; "reserved" needs a reservation the emulator never has).</summary>
    private static string? ReadServiceTier(JsonNode? node, ModelSpec model)
    {
        if (node is null)
        {
            return null;
        }

        var tier = node as JsonObject ?? throw Malformed("serviceTier must be an object");
        var type = String(tier["type"], "serviceTier.type");
        if (!TierNames.Contains(type))
        {
            throw Constraint(type, "serviceTier.type", "Member must satisfy enum value set: [priority, default, flex, reserved]");
        }

        var offered = ServiceTierNames.Parse(type) is { } known && model.Offers(known);
        return offered ? type
            : type == "reserved" ? throw Invalid("Reservation not found.")
            : throw Invalid($"The provided service tier ({type}) is not supported for this model.");
    }

    /// <summary>systemTool {"name"}: the name's pattern, then whether the model runs that tool.</summary>
    private static string ReadSystemTool(JsonNode? value, string path, ModelSpec model)
    {
        var tool = value as JsonObject ?? throw Malformed($"{path}.systemTool must be an object");
        var name = String(tool["name"], $"{path}.systemTool.name");
        if (!ToolNamePattern().IsMatch(name))
        {
            throw Constraint(name, $"{path}.member.systemTool.name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
        }

        var runs = name switch
        {
            SystemToolNames.Grounding => model.Runs(SystemTools.Grounding),
            SystemToolNames.CodeInterpreter => model.Runs(SystemTools.CodeInterpreter),
            _ => false,
        };
        return runs ? name : throw Invalid($"The system tool {name} is not supported for this model.");
    }

    [GeneratedRegex("^([1-9][0-9]{0,7}|DRAFT)$")]
    private static partial Regex GuardrailVersionPattern();
}
