namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>The latency model of Bedrock's service tiers, applied to the configured (or marked) time to first token
/// and output rate: priority is served ahead of standard with up to 25% faster output (AWS's figure), flex waits
/// behind standard traffic, modelled as twice the wait for the first token at half the rate. Standard (default,
/// or no tier) is the latency as configured. Pure.</summary>
public static class TierLatency
{
    public static (TimeSpan TimeToFirstToken, double TokensPerSecond) For(string? tier, TimeSpan timeToFirstToken, double tokensPerSecond) => tier switch
    {
        "priority" => (timeToFirstToken * 0.8, tokensPerSecond * 1.25),
        "flex" => (timeToFirstToken * 2, tokensPerSecond * 0.5),
        _ => (timeToFirstToken, tokensPerSecond),
    };
}
