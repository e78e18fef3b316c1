using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

// What Converse added for Nova 2: the service tier and the system tools, read and checked as Bedrock does.
public static partial class ConverseRequestReader
{
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

        var offered = type switch
        {
            "priority" => model.Offers(ServiceTiers.Priority),
            "flex" => model.Offers(ServiceTiers.Flex),
            "default" => true,
            _ => false,
        };
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
}

/// <summary>Nova's system tool names on the wire.</summary>
public static class SystemToolNames
{
    public const string Grounding = "nova_grounding";
    public const string CodeInterpreter = "nova_code_interpreter";
}
