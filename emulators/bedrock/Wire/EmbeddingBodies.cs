using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>An embedding request after validation.</summary>
public sealed record EmbeddingInput(string Text, int Dimensions, bool Normalize);

/// <summary>InvokeModel bodies of the embedding models: Titan Text Embeddings V2 (model-parameters-titan-embed-text.html)
/// and Nova multimodal embeddings (nova/latest/userguide/embeddings-schema.html), text only. Errors use the
/// "Malformed input request: #/...: ..., please reformat your input and try again." form the model validator uses.
/// Pure.</summary>
public static class EmbeddingBodies
{
    public const int MaxInputTokens = 8192;
    private static readonly string[] TitanKeys = ["inputText", "dimensions", "normalize", "embeddingTypes"];
    private static readonly string[] Purposes =
        ["GENERIC_INDEX", "GENERIC_RETRIEVAL", "TEXT_RETRIEVAL", "IMAGE_RETRIEVAL", "VIDEO_RETRIEVAL", "DOCUMENT_RETRIEVAL", "AUDIO_RETRIEVAL", "CLASSIFICATION", "CLUSTERING"];

    public static EmbeddingInput Read(JsonNode? body, ModelSpec model) => model.Embedding switch
    {
        EmbeddingFamily.TitanTextV2 => ReadTitan(body as JsonObject ?? throw Malformed("#", "expected type: JSONObject"), model),
        EmbeddingFamily.NovaMultimodal => ReadNova(body as JsonObject ?? throw Malformed("#", "expected type: JSONObject"), model),
        _ => throw new BedrockErrorException(BedrockError.Validation(
            $"The emulator answers InvokeModel only for embedding models; call {model.Id} through Converse.")),
    };

    public static JsonObject Response(EmbeddingInput input, ModelSpec model, int inputTokens)
    {
        var vector = Embedder.Embed(input.Text, input.Dimensions, input.Normalize);
        return model.Embedding == EmbeddingFamily.TitanTextV2
            ? new JsonObject
            {
                ["embedding"] = Array(vector),
                ["inputTextTokenCount"] = inputTokens,
                ["embeddingsByType"] = new JsonObject { ["float"] = Array(vector) },
            }
            : new JsonObject
            {
                ["embeddings"] = new JsonArray(new JsonObject { ["embeddingType"] = "TEXT", ["embedding"] = Array(vector) }),
            };
    }

    private static EmbeddingInput ReadTitan(JsonObject body, ModelSpec model)
    {
        foreach (var key in body.Select(kv => kv.Key).Where(k => !TitanKeys.Contains(k)))
        {
            throw Malformed("#", $"extraneous key [{key}] is not permitted");
        }

        var text = body["inputText"] is { } t && t.GetValueKind() == JsonValueKind.String
            ? t.GetValue<string>()
            : throw Malformed("#", "required key [inputText] not found");
        var dimensions = Dimensions(body["dimensions"], "#/dimensions", model);
        var normalize = body["normalize"] is not { } n || (n.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? n.GetValue<bool>()
            : throw Malformed("#/normalize", "expected type: Boolean, found: " + n.GetValueKind()));
        return Checked(text, dimensions, normalize);
    }

    private static EmbeddingInput ReadNova(JsonObject body, ModelSpec model)
    {
        if (body["taskType"]?.ToString() != "SINGLE_EMBEDDING")
        {
            throw Malformed("#/taskType", "only SINGLE_EMBEDDING is answered synchronously");
        }

        var parameters = body["singleEmbeddingParams"] as JsonObject ?? throw Malformed("#", "required key [singleEmbeddingParams] not found");
        var purpose = parameters["embeddingPurpose"]?.ToString();
        if (purpose is null || !Purposes.Contains(purpose))
        {
            throw Malformed("#/singleEmbeddingParams/embeddingPurpose", $"{purpose ?? "null"} is not a valid enum value");
        }

        var text = parameters["text"]?["value"] is { } v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Malformed("#/singleEmbeddingParams", "required key [text] not found (the emulator embeds text only)");
        return Checked(text, Dimensions(parameters["embeddingDimension"], "#/singleEmbeddingParams/embeddingDimension", model), true);
    }

    private static int Dimensions(JsonNode? node, string path, ModelSpec model)
    {
        if (node is null)
        {
            return model.DefaultEmbeddingDimension;
        }

        return node.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() is var d && model.EmbeddingDimensions!.Contains((int)d) && d == (int)d
            ? (int)d
            : throw Malformed(path, $"{node.ToJsonString()} is not a valid enum value");
    }

    private static EmbeddingInput Checked(string text, int dimensions, bool normalize)
    {
        if (text.Length == 0)
        {
            throw Malformed("#/inputText", "expected minLength: 1, actual: 0");
        }

        var tokens = Tokenizer.Count(text);
        if (tokens > MaxInputTokens)
        {
            throw new BedrockErrorException(BedrockError.Validation(
                $"400 Bad Request: Too many input tokens. Max input tokens: {MaxInputTokens}, request input token count: {tokens}"));
        }

        return new EmbeddingInput(text, dimensions, normalize);
    }

    private static JsonArray Array(float[] vector) => new([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static BedrockErrorException Malformed(string path, string detail) =>
        new(BedrockError.Validation($"Malformed input request: {path}: {detail}, please reformat your input and try again."));
}
