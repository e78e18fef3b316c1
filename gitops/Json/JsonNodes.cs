using System.Text.Json.Nodes;

namespace BedrockNovaProxy.GitOps.Json;

/// <summary>Reads values out of JSON another party wrote (a deployed proxy, an AWS API): a member of the wrong type
/// reads as absent, so an odd answer makes a check fail with a reason instead of throwing.</summary>
internal static class JsonNodes
{
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static double? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;

    public static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
