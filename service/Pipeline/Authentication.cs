using System.Globalization;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.OpenAi;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Which key a request came with (absent for anonymous local development).</summary>
public sealed record ApiKeyFeature(ApiKey Key);

/// <summary>API keys (Authorization: Bearer, or x-api-key) on everything but the health probes, then the key's
/// request limit, with OpenAI's x-ratelimit-* headers on every answer. 401 and 429 in OpenAI's shape. The tokens a
/// request reports (<see cref="IRequestUsage"/>) are charged to its key's token allowance.</summary>
public sealed class Authentication(RequestDelegate next, ApiKeys keys)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (keys.Anonymous || path.Equals("/health", StringComparison.Ordinal) || path.Equals("/ready", StringComparison.Ordinal))
        {
            return next(context);
        }

        var secret = Secret(context.Request) ?? throw new OpenAiException(new OpenAiError(401,
                "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY) or in x-api-key.",
                OpenAiError.InvalidRequestType, null, "missing_api_key"));
        var key = keys.Find(secret) ?? throw new OpenAiException(new OpenAiError(401,
            $"Incorrect API key provided: {Mask(secret)}.", OpenAiError.InvalidRequestType, null, "invalid_api_key"));
        context.Features.Set(new ApiKeyFeature(key));
        context.Features.Set<IRequestUsage>(new KeyUsage(key, context.Usage()));
        context.Response.OnStarting(static state => WriteLimitHeaders((HttpContext)state), context);
        if (key.Requests is { } requests && !requests.TryTake())
        {
            throw new OpenAiException(new OpenAiError(429,
                $"Rate limit reached for requests on key '{key.Name}': limit {requests.Limit} per minute. Try again in {Seconds(requests.UntilAvailable)}s.",
                OpenAiError.RateLimitType, null, "rate_limit_exceeded", requests.UntilAvailable));
        }

        if (key.Tokens is { } tokens && tokens.Remaining < 1)
        {
            throw new OpenAiException(new OpenAiError(429,
                $"Rate limit reached for tokens on key '{key.Name}': limit {tokens.Limit} per minute. Try again in {Seconds(tokens.UntilAvailable)}s.",
                OpenAiError.RateLimitType, null, "rate_limit_exceeded", tokens.UntilAvailable));
        }

        return next(context);
    }

    private static string? Secret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }

    /// <summary>Enough of a key to recognise it, as OpenAI shows it: sk-ab***yz.</summary>
    private static string Mask(string secret) => secret.Length <= 8 ? "***" : secret[..5] + "***" + secret[^2..];

    private static string Seconds(TimeSpan span) => Math.Max(1, Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static Task WriteLimitHeaders(HttpContext context)
    {
        var key = context.Features.Get<ApiKeyFeature>()!.Key;
        foreach (var (kind, bucket) in new[] { ("requests", key.Requests), ("tokens", key.Tokens) })
        {
            if (bucket is not null)
            {
                var headers = context.Response.Headers;
                headers[$"x-ratelimit-limit-{kind}"] = bucket.Limit.ToString(CultureInfo.InvariantCulture);
                headers[$"x-ratelimit-remaining-{kind}"] = bucket.Remaining.ToString(CultureInfo.InvariantCulture);
                headers[$"x-ratelimit-reset-{kind}"] = Math.Round(bucket.UntilFull.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture) + "s";
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>A key's share of its request's usage: the tokens are charged to the key's per-minute allowance; every
/// report also goes on to the usage it wraps (the request's metrics).</summary>
internal sealed class KeyUsage(ApiKey key, IRequestUsage inner) : IRequestUsage
{
    public void ModelChosen(string alias, string modelId, string? operation = null) => inner.ModelChosen(alias, modelId, operation);

    public void TokensUsed(TokenCounts tokens)
    {
        key.Tokens?.Charge(tokens.Total);
        inner.TokensUsed(tokens);
    }

    public void FirstTokenOut(TimeSpan sinceStart) => inner.FirstTokenOut(sinceStart);
}
