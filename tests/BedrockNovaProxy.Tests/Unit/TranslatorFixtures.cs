using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>What the translator tests build their cases from: the models requests name, request bodies read as the
/// proxy reads them and translated, Bedrock stream events from their JSON payloads, JSON trees walked by path, and the
/// check of a refused request.</summary>
internal static class TranslatorFixtures
{
    /// <summary>A customer's aliases, as most cases name their models: gpt-4o (Nova Pro), gpt-4o-mini (Nova Lite),
    /// gpt-3.5-turbo (Nova Micro), text-embedding-3-small (Titan Text Embeddings V2).</summary>
    public static readonly ModelResolver Models = Resolver(
        ("gpt-4o", "amazon.nova-pro-v1:0"),
        ("gpt-4o-mini", "amazon.nova-lite-v1:0"),
        ("gpt-3.5-turbo", "amazon.nova-micro-v1:0"),
        ("text-embedding-3-small", "amazon.titan-embed-text-v2:0"));

    /// <summary>The models Nova 2's features are tried on: Nova 2 Lite through its us. and global. profiles, Nova Pro, Nova Micro.</summary>
    public static readonly ModelResolver Nova2Models = Resolver(
        ("lite2", "us.amazon.nova-2-lite-v1:0"),
        ("lite2-global", "global.amazon.nova-2-lite-v1:0"),
        ("pro", "amazon.nova-pro-v1:0"),
        ("micro", "amazon.nova-micro-v1:0"));

    /// <summary>A resolver in us-east-1 with these aliases.</summary>
    public static ModelResolver Resolver(params (string Alias, string Model)[] aliases) =>
        new([.. aliases.Select(a => new ModelAliasOptions { Alias = a.Alias, Model = a.Model })], "us-east-1");

    /// <summary>A chat completion request body as the proxy reads it.</summary>
    public static ChatCompletionRequest ChatRequest(string json) =>
        JsonBody.Parse(Encoding.UTF8.GetBytes(json), OpenAiJsonContext.Default.ChatCompletionRequest);

    /// <summary>A Responses request body as the proxy reads it, read as the chat completion it means.</summary>
    public static ResponsesDraft ResponsesChat(string json) =>
        ResponsesRequestTranslator.ToChat(JsonBody.Parse(Encoding.UTF8.GetBytes(json), OpenAiJsonContext.Default.ResponsesRequest));

    /// <summary>A chat completion request body translated to Converse against <paramref name="models"/> (default
    /// <see cref="Models"/>), no images fetched.</summary>
    public static ChatTranslation Chat(string json, ModelResolver? models = null) =>
        ChatRequestTranslator.Translate(ChatRequest(json), models ?? Models);

    /// <summary>A Responses request body translated to Converse against <paramref name="models"/> (default
    /// <see cref="Models"/>), no images fetched.</summary>
    public static ResponsesTranslation Responses(string json, ModelResolver? models = null) =>
        ResponsesRequestTranslator.ToConverse(ResponsesChat(json), models ?? Models);

    /// <summary>A Converse request as the JSON it is sent as.</summary>
    public static JsonNode ConverseJson(ConverseRequest request) =>
        JsonNode.Parse(JsonSerializer.Serialize(request, BedrockJsonContext.Default.ConverseRequest))!;

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

    /// <summary>Asserts that <paramref name="translate"/> refuses the request with this status, param and code, a
    /// message containing <paramref name="message"/> and the error type OpenAI gives that status; returns the error.</summary>
    public static OpenAiError AssertRefused(Action translate, int status, string? param, string? code, string message)
    {
        var error = Assert.Throws<OpenAiException>(translate).Error;
        Assert.Equal((status, param, code), (error.Status, error.Param, error.Code));
        Assert.Contains(message, error.Message);
        Assert.Equal(status >= 500 ? OpenAiError.ServerErrorType : OpenAiError.InvalidRequestType, error.Type);
        return error;
    }
}
