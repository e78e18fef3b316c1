using System.Security.Cryptography;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Auth;

/// <summary>One configured API key: its name, the models it may use, its limits. The key itself is never held,
/// only its SHA-256.</summary>
public sealed class ApiKey
{
    internal ApiKey(ApiKeyOptions options, ModelResolver models, TimeProvider time)
    {
        Name = options.Name;
        Hash = Convert.FromHexString(options.Sha256);
        Models = models.Restrict(options.Models);
        ExpiresAt = options.ExpiresAt;
        Requests = options.RequestsPerMinute is > 0 and var rpm ? RateBucket.PerMinute(rpm, time) : null;
        Tokens = options.TokensPerMinute is > 0 and var tpm ? RateBucket.PerMinute(tpm, time) : null;
    }

    public string Name { get; }

    public DateTimeOffset? ExpiresAt { get; }

    internal byte[] Hash { get; }

    /// <summary>The models this key may resolve; a model it may not use does not exist for it (404).</summary>
    public ModelResolver Models { get; }

    public RateBucket? Requests { get; }

    public RateBucket? Tokens { get; }
}

/// <summary>The configured keys, and the lookup of a presented secret: hashed, then compared with every key in
/// constant time, so neither timing nor early exit tells which key (if any) came close.</summary>
public sealed class ApiKeys(IReadOnlyList<ApiKey> keys, bool anonymous)
{
    public static ApiKeys From(AuthOptions options, ModelResolver models, TimeProvider time) =>
        new([.. options.Keys.Select(k => new ApiKey(k, models, time))], options.AllowAnonymous);

    public bool Anonymous => anonymous;

    public ApiKey? Find(string secret)
    {
        Span<byte> hash = stackalloc byte[ApiKeyHash.Length];
        ApiKeyHash.Compute(secret, hash);
        ApiKey? found = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = key;
            }
        }

        return found;
    }
}
