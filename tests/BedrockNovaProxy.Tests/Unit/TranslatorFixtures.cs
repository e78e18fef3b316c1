using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>What the translator tests build their cases from: Bedrock stream events from their JSON payloads, and
/// JSON trees walked by path.</summary>
internal static class TranslatorFixtures
{
    /// <summary>The models Nova 2's features are tried on: Nova 2 Lite through its us. and global. profiles, Nova Pro, Nova Micro.</summary>
    public static readonly ModelResolver Nova2Models = new(
    [
        new ModelAliasOptions { Alias = "lite2", Model = "us.amazon.nova-2-lite-v1:0" },
        new ModelAliasOptions { Alias = "lite2-global", Model = "global.amazon.nova-2-lite-v1:0" },
        new ModelAliasOptions { Alias = "pro", Model = "amazon.nova-pro-v1:0" },
        new ModelAliasOptions { Alias = "micro", Model = "amazon.nova-micro-v1:0" },
    ], "us-east-1");

    /// <summary>A chat completion request body translated against <see cref="Nova2Models"/>.</summary>
    public static ChatTranslation Nova2Chat(string json) => ChatRequestTranslator.Translate(
        JsonBody.Parse(Encoding.UTF8.GetBytes(json), OpenAiJsonContext.Default.ChatCompletionRequest), Nova2Models);

    /// <summary>A ConverseStream event as the event-stream reader hands it over: its type and its JSON payload.</summary>
    public static ConverseStreamEvent Event(string type, string payload)
    {
        var c = BedrockJsonContext.Default;
        return type switch
        {
            "messageStart" => new ConverseStreamEvent.MessageStart(JsonSerializer.Deserialize(payload, c.MessageStartEvent)!),
            "contentBlockStart" => new ConverseStreamEvent.BlockStart(JsonSerializer.Deserialize(payload, c.ContentBlockStartEvent)!),
            "contentBlockDelta" => new ConverseStreamEvent.BlockDelta(JsonSerializer.Deserialize(payload, c.ContentBlockDeltaEvent)!),
            "contentBlockStop" => new ConverseStreamEvent.BlockStop(JsonSerializer.Deserialize(payload, c.ContentBlockStopEvent)!),
            "messageStop" => new ConverseStreamEvent.MessageStop(JsonSerializer.Deserialize(payload, c.MessageStopEvent)!),
            "metadata" => new ConverseStreamEvent.Metadata(JsonSerializer.Deserialize(payload, c.MetadataEvent)!),
            _ => throw new ArgumentException(type),
        };
    }

    /// <summary>Walks "a.b[0].c" (or "$" for the root) in a JSON tree.</summary>
    public static JsonNode? Select(JsonNode root, string path)
    {
        if (path == "$")
        {
            return root;
        }

        var node = root;
        foreach (var segment in JsonPath.Parse("$." + path))
        {
            node = segment is int index ? node?[index] : node?[(string)segment];
        }

        return node;
    }

    /// <summary>Asserts that the part of <paramref name="root"/> at <paramref name="path"/> is the JSON <paramref name="expected"/>.</summary>
    public static void AssertAt(JsonNode root, string path, string expected, string because)
    {
        var node = Select(root, path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), node), $"{because}: got {node?.ToJsonString()}");
    }
}
