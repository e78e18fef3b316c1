using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>The Converse call that answers one chat completion request, and how to shape its answer.</summary>
/// <param name="JsonTool">Name of the tool that carries response_format's JSON, when one was added.</param>
public sealed record ChatTranslation(ConverseRequest Request, ResolvedModel Model, bool Stream, bool IncludeUsage, string? JsonTool);

/// <summary>OpenAI chat completion request -> Converse request. Pure: validates as it goes and throws
/// <see cref="OpenAiException"/> naming the offending field, so nothing reaches Bedrock that it would refuse
/// for a reason we can state better. Each concern has its own part: <see cref="InferenceSettings"/> (length,
/// sampling, stop, reasoning), <see cref="ToolsAndFormat"/> (tools, tool_choice, response_format) and
/// <see cref="ChatContent"/> (messages and their parts, with <see cref="ChatMedia"/> for images and documents).</summary>
public static class ChatRequestTranslator
{
    public static ChatTranslation Translate(ChatCompletionRequest request, ModelResolver models)
    {
        var model = ResolveModel(request.Model, models);
        RefuseUnsupported(request);

        var tools = ToolsAndFormat.Tools(request.Tools);
        var (jsonTool, jsonSpec) = ToolsAndFormat.ResponseFormat(request.ResponseFormat, tools);
        if (jsonSpec is not null)
        {
            tools ??= [];
            tools.Add(new Tool { ToolSpec = jsonSpec });
        }

        var (system, messages) = ChatContent.Messages(request.Messages, model.Spec);
        var toolChoice = ToolsAndFormat.Choice(request.ToolChoice, request.Tools, jsonTool, ref system, messages, ref tools);
        BuiltInTools.Add(request, model, ref tools);

        var inference = InferenceSettings.Translate(request, model.Spec);
        var converse = new ConverseRequest
        {
            Messages = messages,
            System = system.Count > 0 ? system : null,
            InferenceConfig = inference,
            AdditionalModelRequestFields = InferenceSettings.Reasoning(request, model, inference),
            ToolConfig = tools is { Count: > 0 } ? new ToolConfiguration { Tools = tools, ToolChoice = toolChoice } : null,
            ServiceTier = ServiceTierMapping.Requested(request.ServiceTier, model),
        };

        var stream = request.Stream == true;
        return new ChatTranslation(converse, model, stream, stream && request.StreamOptions?.IncludeUsage == true, jsonTool);
    }

    private static ResolvedModel ResolveModel(string? name, ModelResolver models)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw RequestErrors.MissingModel();
        }

        var model = models.Resolve(name) ?? throw new OpenAiException(OpenAiError.ModelNotFound(name));
        if (model.Spec.Kind != ModelKind.Chat)
        {
            throw RequestErrors.Invalid($"The model `{name}` is an embedding model; use it with /v1/embeddings, not /v1/chat/completions.", "model", "model_not_supported");
        }

        return model;
    }

    private static void RefuseUnsupported(ChatCompletionRequest request)
    {
        if (request.N is { } n && n != 1)
        {
            throw n < 1
                ? RequestErrors.BelowMinimum("n", n)
                : RequestErrors.UnsupportedValue("n", $"n = {n} is not supported: Amazon Bedrock's Converse API returns one choice per request. Send n = 1, or send {n} requests.");
        }

        if (request.Logprobs == true || request.TopLogprobs is > 0)
        {
            throw RequestErrors.Unsupported(request.Logprobs == true ? "logprobs" : "top_logprobs",
                "logprobs are not supported: Amazon Bedrock's Converse API does not return token log probabilities.");
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Audio) || request.Modalities?.Contains("audio") == true)
        {
            throw RequestErrors.Unsupported(request.Modalities?.Contains("audio") == true ? "modalities" : "audio",
                "Audio output is not supported: Amazon Nova chat models answer with text only.");
        }

        foreach (var (param, value) in new[] { ("frequency_penalty", request.FrequencyPenalty), ("presence_penalty", request.PresencePenalty) })
        {
            if (value is { } v && v != 0)
            {
                throw RequestErrors.Unsupported(param, $"{param} is not supported by Amazon Bedrock's Converse API; omit it or send 0.");
            }
        }

        if (request.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any())
        {
            throw RequestErrors.Unsupported("logit_bias", "logit_bias is not supported by Amazon Bedrock's Converse API.");
        }

        if (!JsonHelpers.IsNullOrAbsent(request.Functions) || !JsonHelpers.IsNullOrAbsent(request.FunctionCall))
        {
            throw RequestErrors.Unsupported(JsonHelpers.IsNullOrAbsent(request.Functions) ? "function_call" : "functions",
                "The deprecated 'functions' and 'function_call' parameters are not supported; use 'tools' and 'tool_choice'.");
        }
    }
}
