using System.Globalization;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Which key a request came with (absent for anonymous local development).</summary>
public sealed record ApiKeyFeature(ApiKey Key);

/// <summary>Present when a request met the shared limits while their store was failing (the LimitsStoreDegraded metric).</summary>
public sealed record LimitsDegradedFeature;

/// <summary>API keys (Authorization: Bearer, or x-api-key) on everything but the health probes, refused once expired,
/// then the key's and the environment's limits and budgets (per process, or shared by every instance through the
/// store: <see cref="Limits.SharedLimits"/>), with OpenAI's x-ratelimit-* headers on every answer. 401, 429 and 503 in
/// OpenAI's shape. The tokens a
/// request reports (<see cref="IRequestUsage"/>) are charged to its key's token allowance.</summary>
public sealed class Authentication(RequestDelegate next, ApiKeys keys, Limits.SharedLimits limits, TimeProvider time)
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
        if (key.ExpiresAt is { } expires && time.GetUtcNow() >= expires)
        {
            throw new OpenAiException(new OpenAiError(401,
                $"The API key '{key.Name}' expired on {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Ask for its replacement.", OpenAiError.InvalidRequestType, null, "key_expired"));
        }

        context.Features.Set(new ApiKeyFeature(key));
        context.Features.Set<IRequestUsage>(new KeyUsage(key, limits, context.Usage()));
        context.Response.OnStarting(state => WriteLimitHeaders((HttpContext)state), context);
        return limits.Shared ? AdmitSharedAsync(context, key) : AdmitLocal(context, key);
    }

    private async Task AdmitSharedAsync(HttpContext context, ApiKey key)
    {
        try
        {
            await limits.AdmitAsync(key.Name, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            if (limits.StoreDown(key.Name))
            {
                context.Features.Set(new LimitsDegradedFeature());
            }
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>Without a store: the key's per-minute buckets of this process, then its budgets (per process too).</summary>
    private Task AdmitLocal(HttpContext context, ApiKey key)
    {
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

        return limits.HasBudgets(key.Name) ? AdmitSharedAsync(context, key) : next(context);
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

    /// <summary>The key's limits as OpenAI's x-ratelimit-* headers (shared ones: the window's remainder across
    /// instances as this instance last learned it, and its end), and x-budget-warning past a budget's warning share.</summary>
    private Task WriteLimitHeaders(HttpContext context)
    {
        var key = context.Features.Get<ApiKeyFeature>()!.Key;
        var headers = context.Response.Headers;
        var scope = limits.For(key.Name);
        if (limits.Shared)
        {
            foreach (var (kind, allowance) in new[] { ("requests", scope.Requests), ("tokens", scope.TokensPerMinute) })
            {
                if (allowance is not null)
                {
                    Write(kind, allowance.Limit, Math.Max(0, (long)Math.Floor(allowance.Limit * (1 - allowance.UsedFraction))), allowance.UntilWindowEnd);
                }
            }
        }
        else
        {
            foreach (var (kind, bucket) in new[] { ("requests", key.Requests), ("tokens", key.Tokens) })
            {
                if (bucket is not null)
                {
                    Write(kind, bucket.Limit, bucket.Remaining, bucket.UntilFull);
                }
            }
        }

        if (limits.Warning(key.Name) is { } warning)
        {
            headers["x-budget-warning"] = warning;
        }

        return Task.CompletedTask;

        void Write(string kind, long limit, long remaining, TimeSpan reset)
        {
            headers[$"x-ratelimit-limit-{kind}"] = limit.ToString(CultureInfo.InvariantCulture);
            headers[$"x-ratelimit-remaining-{kind}"] = remaining.ToString(CultureInfo.InvariantCulture);
            headers[$"x-ratelimit-reset-{kind}"] = Math.Round(reset.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture) + "s";
        }
    }
}

/// <summary>A key's share of its request's usage: the tokens are charged to the key's per-minute allowance (this
/// process's bucket, or the shared one), its budgets and the environment's, and counted in the usage log; every report
/// also goes on to the usage it wraps (the request's metrics).</summary>
internal sealed class KeyUsage(ApiKey key, Limits.SharedLimits limits, IRequestUsage inner) : IRequestUsage
{
    private string? _alias;
    private string? _modelId;

    public void ModelChosen(string alias, string modelId, string? operation = null)
    {
        (_alias, _modelId) = (alias, modelId);
        inner.ModelChosen(alias, modelId, operation);
    }

    public void TokensUsed(TokenCounts tokens)
    {
        if (!limits.Shared)
        {
            key.Tokens?.Charge(tokens.Total);
        }

        limits.Charge(key.Name, _alias, _modelId, tokens.Input, tokens.Output, tokens.Cached);
        inner.TokensUsed(tokens);
    }

    public void FirstTokenOut(TimeSpan sinceStart) => inner.FirstTokenOut(sinceStart);
}
