using System.Globalization;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A chat request's inference settings -> Converse's inferenceConfig (max tokens, temperature, top_p, stop)
/// and Nova 2's reasoning in additionalModelRequestFields. Pure.</summary>
internal static class InferenceSettings
{
    public static InferenceConfiguration Translate(ChatCompletionRequest request, ModelSpec spec)
    {
        var config = new InferenceConfiguration();

        var (maxParam, max) = request.MaxCompletionTokens is { } mct ? ("max_completion_tokens", mct) : ("max_tokens", request.MaxTokens);
        if (max is { } m)
        {
            if (m < 1)
            {
                throw BelowMinimum(maxParam, m);
            }

            if (m > spec.MaxOutputTokens)
            {
                throw InvalidValue(maxParam,
                    $"{maxParam} is too large: {m}. This model supports at most {spec.MaxOutputTokens} completion tokens, whereas you provided {m}.");
            }
        }

        // Left out, the answer may be as long as the model allows: never a silent short default.
        config.MaxTokens = max ?? spec.MaxOutputTokens;

        if (request.Temperature is { } t)
        {
            if (t < 0 || t > 2)
            {
                throw InvalidValue("temperature", $"Invalid 'temperature': expected a value between 0 and 2, but got {Num(t)} instead.");
            }

            if (t > 1)
            {
                throw UnsupportedValue("temperature", $"temperature {Num(t)} is outside the range Amazon Nova accepts (0 to 1).");
            }

            config.Temperature = (float)t;
        }

        if (request.TopP is { } p)
        {
            if (p < 0 || p > 1)
            {
                throw InvalidValue("top_p", $"Invalid 'top_p': expected a value between 0 and 1, but got {Num(p)} instead.");
            }

            config.TopP = (float)p;
        }

        config.StopSequences = Stop(request.Stop);
        return config;
    }

    /// <summary>reasoning_effort -> Nova 2's reasoningConfig, in additionalModelRequestFields as working Bedrock clients
    /// send it. With "high" effort Nova takes no temperature, top_p or maxTokens, so none is sent (and asking for them
    /// is an error, not something dropped silently).</summary>
    public static JsonElement? Reasoning(ChatCompletionRequest request, ResolvedModel model, InferenceConfiguration inference)
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
            _ => throw InvalidValue("reasoning_effort", $"Invalid value: '{effort}'. Supported values are: 'none', 'minimal', 'low', 'medium', and 'high'."),
        };
        if (!model.Spec.SupportsReasoning)
        {
            throw Unsupported("reasoning_effort",
                $"reasoning_effort is not supported with this model: {model.Spec.DisplayName} does not reason. Use a reasoning model such as Amazon Nova 2 Lite.");
        }

        if (level == "high")
        {
            foreach (var (set, name) in new[] { (request.Temperature is not null, "temperature"), (request.TopP is not null, "top_p"),
                (request.MaxTokens is not null || request.MaxCompletionTokens is not null, request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens") })
            {
                if (set)
                {
                    throw UnsupportedValue(name,
                        $"{name} cannot be combined with reasoning_effort 'high': Amazon Nova chooses its own sampling and length at that effort.");
                }
            }

            inference.MaxTokens = null;
        }

        using var json = JsonDocument.Parse(level is null
            ? """{"reasoningConfig":{"type":"disabled"}}"""
            : "{\"reasoningConfig\":{\"type\":\"enabled\",\"maxReasoningEffort\":\"" + level + "\"}}");
        return json.RootElement.Clone();
    }

    private static List<string>? Stop(JsonElement? stop)
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
            _ => throw WrongType("stop", "a string or an array of strings", value.ValueKind),
        };

        if (list.Any(s => s.Length == 0))
        {
            throw InvalidValue("stop", "Invalid 'stop': stop sequences must not be empty strings.");
        }

        return list.Count > 0 ? list : null;
    }

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);
}
