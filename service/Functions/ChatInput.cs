using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

/// <summary>What every endpoint that speaks chat does to a parsed request before translating it: the request limits
/// on what the client sent (before anything is fetched), the fetch of allowed remote images, and the limits again once
/// those are inline (their share of the total).</summary>
internal static class ChatInput
{
    public static async Task PrepareAsync(ChatCompletionRequest request, ProxyConfiguration configuration, Images.ImageFetcher images, CancellationToken cancellationToken)
    {
        RequestLimits.Check(request, configuration.Options.Limits);
        if (await images.InlineAsync(request, cancellationToken).ConfigureAwait(false))
        {
            RequestLimits.Check(request, configuration.Options.Limits);
        }
    }
}
