using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Pipeline;

/// <summary>The tokens one answer used: input (prompt-cache reads included, as OpenAI counts prompt tokens), output,
/// the part of the input that was read from the prompt cache, and the Bedrock service tier that served them.</summary>
public readonly record struct TokenCounts(int Input, int Output, int Cached = 0, string? Tier = null)
{
    /// <summary>What a key's token allowance is charged.</summary>
    public int Total => Input + Output;

    public static TokenCounts Of(Usage? usage) =>
        new(usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0, usage?.PromptTokensDetails?.CachedTokens ?? 0);

    public static TokenCounts Of(ResponseUsage? usage) =>
        new(usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0, usage?.InputTokensDetails.CachedTokens ?? 0);
}

/// <summary>The usage of one request, as the function serving it learns it: the model it chose, the tokens once they
/// are known, the moment the first answer token went out. The pipeline puts it on the request
/// (<see cref="RequestFeatures.Usage"/>) and each part of it that accounts for usage sees every report: <see cref="Metrics"/>
/// records it, <see cref="Authentication"/> charges the tokens to the key's allowance. Limits, budgets or usage stored
/// per key belong behind this interface too, so that no function changes for them.</summary>
public interface IRequestUsage
{
    /// <param name="alias">The model name the client asked for.</param>
    /// <param name="modelId">The catalog id of the model that answers.</param>
    /// <param name="operation">What the request turned out to be, when more precise than its path (a stream).</param>
    void ModelChosen(string alias, string modelId, string? operation = null);

    /// <summary>Once per request, when its answer is known (a stream's at its end, however it ended).</summary>
    void TokensUsed(TokenCounts tokens);

    /// <summary>A stream's answer tokens are going out, <paramref name="sinceStart"/> after the Bedrock call began;
    /// said at every delta, only the first counts.</summary>
    void FirstTokenOut(TimeSpan sinceStart);
}

/// <summary>A request nothing accounts for (no metrics on its path, no key).</summary>
internal sealed class NoUsage : IRequestUsage
{
    public static readonly NoUsage Instance = new();

    public void ModelChosen(string alias, string modelId, string? operation = null)
    {
    }

    public void TokensUsed(TokenCounts tokens)
    {
    }

    public void FirstTokenOut(TimeSpan sinceStart)
    {
    }
}
