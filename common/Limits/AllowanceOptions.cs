namespace BedrockNovaProxy.Limits;

/// <summary>The limits and budgets of one key or of a whole customer environment, null (or 0) for none
/// (Proxy:Auth:Keys:{i}, Proxy:SharedLimits:Environment; a customer file's auth.keys[i] and limits.environment). Per
/// minute limits hold per process without a shared store and across every instance with one; budgets hold per process
/// without a store.</summary>
public record AllowanceOptions
{
    /// <summary>Requests per minute.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (input + output) per minute.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Tokens per UTC day.</summary>
    public long? TokensPerDay { get; set; }

    /// <summary>Tokens per UTC calendar month.</summary>
    public long? TokensPerMonth { get; set; }

    /// <summary>Estimated cost (NovaPrices) per UTC day, in USD.</summary>
    public decimal? UsdPerDay { get; set; }

    /// <summary>Estimated cost per UTC calendar month, in USD.</summary>
    public decimal? UsdPerMonth { get; set; }
}
