using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>What one /v1/embeddings request becomes: one InvokeModel per input (Titan V2 and Nova multimodal
/// embeddings take one text per call).</summary>
public sealed record EmbeddingPlan(ResolvedModel Model, IReadOnlyList<string> Inputs, int Dimensions, bool Base64);

/// <summary>OpenAI embeddings &lt;-&gt; Bedrock InvokeModel bodies. Pure.</summary>
public static class EmbeddingsTranslator
{
    public const int MaxInputs = 2048;

    public static EmbeddingPlan Plan(EmbeddingRequest request, ModelResolver models)
    {
        if (string.IsNullOrEmpty(request.Model))
        {
            throw RequestErrors.MissingModel();
        }

        var model = models.Resolve(request.Model) ?? throw new OpenAiException(OpenAiError.ModelNotFound(request.Model));
        if (model.Spec.Kind != ModelKind.Embedding)
        {
            throw RequestErrors.Invalid($"The model `{request.Model}` is a chat model; use an embedding model with /v1/embeddings.", "model", "model_not_supported");
        }

        var inputs = Inputs(request.Input);
        var spec = model.Spec;
        var dimensions = request.Dimensions ?? spec.DefaultEmbeddingDimension;
        if (!spec.EmbeddingDimensions!.Contains(dimensions))
        {
            throw RequestErrors.UnsupportedValue("dimensions",
                $"{spec.DisplayName} produces {string.Join(", ", spec.EmbeddingDimensions!)} dimensions; {dimensions} is not one of them.");
        }

        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            var other => throw RequestErrors.InvalidValue("encoding_format", $"Invalid value: '{other}'. Supported values are: 'float' and 'base64'."),
        };

        return new EmbeddingPlan(model, inputs, dimensions, base64);
    }

    private static List<string> Inputs(JsonElement? input)
    {
        if (JsonHelpers.IsNullOrAbsent(input))
        {
            throw RequestErrors.Missing("input");
        }

        var value = input!.Value;
        List<string> texts;
        if (value.ValueKind == JsonValueKind.String)
        {
            texts = [value.GetString()!];
        }
        else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            texts = value.EnumerateArray().Select(e => e.GetString()!).ToList();
        }
        else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.Array))
        {
            throw RequestErrors.Unsupported("input", "Token arrays are not supported: Amazon Bedrock's embedding models take text. Send the input as strings.");
        }
        else
        {
            throw RequestErrors.WrongType("input", "a string or an array of strings", value.ValueKind);
        }

        if (texts.Count == 0)
        {
            throw RequestErrors.EmptyArray("input", "Invalid 'input': empty array. Expected an array with minimum length 1.");
        }

        if (texts.Count > MaxInputs)
        {
            throw RequestErrors.Invalid($"Invalid 'input': at most {MaxInputs} inputs per request, got {texts.Count}.", "input", "array_above_max_length");
        }

        var blank = texts.FindIndex(string.IsNullOrWhiteSpace);
        if (blank >= 0)
        {
            var param = value.ValueKind == JsonValueKind.String ? "input" : $"input[{blank}]";
            throw RequestErrors.InvalidValue(param, $"Invalid '{param}': the text is empty.");
        }

        return texts;
    }

    public static byte[] InvokeBody(EmbeddingPlan plan, string text) => plan.Model.Spec.Embedding switch
    {
        EmbeddingFamily.TitanTextV2 => JsonSerializer.SerializeToUtf8Bytes(
            new TitanEmbeddingRequest { InputText = text, Dimensions = plan.Dimensions, Normalize = true }, BedrockJsonContext.Default.TitanEmbeddingRequest),
        EmbeddingFamily.NovaMultimodal => JsonSerializer.SerializeToUtf8Bytes(
            new NovaEmbeddingRequest { SingleEmbeddingParams = new NovaSingleEmbeddingParams { EmbeddingDimension = plan.Dimensions, Text = new NovaEmbeddingText { Value = text } } },
            BedrockJsonContext.Default.NovaEmbeddingRequest),
        _ => throw new InvalidOperationException($"{plan.Model.Spec.Id} is not an embedding model."),
    };

    /// <summary>The vector and the input token count. Titan reports tokens in its body; Nova multimodal embeddings
    /// does not, so the `x-amzn-bedrock-input-token-count` header is used, and failing that an estimate of one
    /// token per four characters (stated in the README).</summary>
    public static (float[] Vector, int Tokens) ParseResult(EmbeddingPlan plan, string text, InvokeModelResult result)
    {
        float[]? vector;
        var tokens = result.InputTokenCount;
        try
        {
            if (plan.Model.Spec.Embedding == EmbeddingFamily.TitanTextV2)
            {
                var titan = JsonSerializer.Deserialize(result.Body, BedrockJsonContext.Default.TitanEmbeddingResponse);
                vector = titan?.Embedding;
                tokens = titan?.InputTextTokenCount ?? tokens;
            }
            else
            {
                vector = JsonSerializer.Deserialize(result.Body, BedrockJsonContext.Default.NovaEmbeddingResponse)?.Embeddings?.FirstOrDefault()?.Embedding;
            }
        }
        catch (JsonException)
        {
            vector = null;
        }

        if (vector is null || vector.Length == 0)
        {
            throw new OpenAiException(new OpenAiError(502, "Amazon Bedrock returned an embedding response without a vector.", OpenAiError.ServerErrorType, null, "upstream_protocol_error"));
        }

        return (vector, tokens ?? (int)Math.Ceiling(text.Length / 4.0));
    }

    public static EmbeddingList Result(EmbeddingPlan plan, IReadOnlyList<(float[] Vector, int Tokens)> results)
    {
        var tokens = results.Sum(r => r.Tokens);
        return new EmbeddingList
        {
            Model = plan.Model.RequestedName,
            Data = results.Select((r, i) => new EmbeddingItem { Index = i, Embedding = new EmbeddingVector(r.Vector, plan.Base64) }).ToList(),
            Usage = new EmbeddingUsage { PromptTokens = tokens, TotalTokens = tokens },
        };
    }
}
