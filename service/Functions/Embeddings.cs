using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

/// <summary>POST /v1/embeddings on InvokeModel (Titan Text Embeddings V2 or Nova multimodal embeddings), one call per
/// input, a few in parallel, answers in input order.</summary>
public sealed class Embeddings(ProxyConfiguration configuration, BedrockRuntimeClient bedrock, Upstream upstream) : IFunction
{
    public async Task InvokeAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.EmbeddingRequest,
            configuration.Options.Limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        var plan = EmbeddingsTranslator.Plan(request, context.Models(configuration));

        var results = new (float[] Vector, int Tokens)[plan.Inputs.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = configuration.Options.Bedrock.EmbeddingConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Inputs.Count), parallel, async (i, ct) =>
        {
            var text = plan.Inputs[i];
            var result = await upstream.CallAsync(plan.Model.BedrockModelId, c => bedrock.InvokeModelAsync(plan.Model.BedrockModelId, EmbeddingsTranslator.InvokeBody(plan, text), c), ct, "embeddings").ConfigureAwait(false);
            results[i] = EmbeddingsTranslator.ParseResult(plan, text, result);
        }).ConfigureAwait(false);

        var result = EmbeddingsTranslator.Result(plan, results);
        var usage = context.Usage();
        usage.ModelChosen(plan.Model.RequestedName, plan.Model.Spec.Id);
        usage.TokensUsed(new TokenCounts(result.Usage.PromptTokens, 0));
        await JsonAnswer.WriteAsync(context.Response, result, OpenAiJsonContext.Wire.EmbeddingList, cancellationToken).ConfigureAwait(false);
    }
}
