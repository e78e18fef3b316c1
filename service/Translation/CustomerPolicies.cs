using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;

namespace BedrockNovaProxy.Translation;

/// <summary>What the customer's deployment adds to every Converse request, whatever the client sent: its guardrail
/// and its prompt-caching points. Pure.</summary>
public static class CustomerPolicies
{
    public static void Apply(ConverseRequest request, ProxyOptions options)
    {
        if (options.Bedrock.Guardrail is { Identifier: { Length: > 0 } identifier } guardrail)
        {
            request.GuardrailConfig = new GuardrailConfiguration
            {
                GuardrailIdentifier = identifier,
                GuardrailVersion = guardrail.Version,
                Trace = guardrail.Trace,
            };
        }

        if (options.PromptCaching.System && request.System is { Count: > 0 } system)
        {
            system.Add(new SystemContentBlock { CachePoint = new CachePointBlock() });
        }

        if (options.PromptCaching.Tools && request.ToolConfig?.Tools is { Count: > 0 } tools)
        {
            tools.Add(new Tool { CachePoint = new CachePointBlock() });
        }
    }
}
