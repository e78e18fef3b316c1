using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Configuration;

namespace BedrockNovaProxy.Pipeline;

/// <summary>What the middleware leaves on a request for the function that serves it.</summary>
public static class RequestFeatures
{
    /// <summary>Where the function reports the request's usage (<see cref="IRequestUsage"/>).</summary>
    public static IRequestUsage Usage(this HttpContext context) => context.Features.Get<IRequestUsage>() ?? NoUsage.Instance;

    /// <summary>The service tiers this request's key may ask for; empty for all.</summary>
    public static IReadOnlyList<string> ServiceTiers(this HttpContext context) =>
        context.Features.Get<ApiKeyFeature>()?.Key.ServiceTiers ?? [];

    /// <summary>The models this request may use: its key's, or all of the customer's.</summary>
    public static ModelResolver Models(this HttpContext context, ProxyConfiguration configuration) =>
        context.Features.Get<ApiKeyFeature>()?.Key.Models ?? configuration.Models;
}
