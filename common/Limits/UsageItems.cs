namespace BedrockNovaProxy.Limits;

/// <summary>How a usage row is stored in an environment's limits table: the proxy writes these items
/// (service/Limits/LimitStore.cs), `gitops usage` reads them. One copy of the names, so the two cannot drift.</summary>
public static class UsageItems
{
    /// <summary>Partition keys are usage#&lt;yyyyMMdd&gt;#&lt;key&gt;#&lt;alias&gt;.</summary>
    public const string Prefix = "usage#";

    public const string Day = "day";
    public const string Key = "key_name";
    public const string Alias = "alias";
    public const string Requests = "requests";
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string CachedTokens = "cached_tokens";
    public const string CostMicroUsd = "cost_micro_usd";

    public static string PartitionKey(string day, string key, string alias) => $"{Prefix}{day}#{key}#{alias}";
}
