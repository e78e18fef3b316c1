using BedrockNovaProxy.Catalog;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>OpenAI's service_tier (chat completions and Responses) &lt;-&gt; Converse's serviceTier: auto (or nothing) is the
/// customer's default tier, else Bedrock's standard one (serviceTier left out); default, flex and priority are
/// Bedrock's tiers of the same names. A value Bedrock has no tier for (scale, fast, ultrafast...), a tier the model
/// is not offered in, or one the key may not ask for is a 400 naming service_tier. Pure.</summary>
public static class ServiceTierMapping
{
    public const string Param = "service_tier";
    public const string Default = "default";

    /// <summary>The values a request, a customer file or a key may name.</summary>
    public static readonly IReadOnlyList<string> Names = ["auto", Default, "flex", "priority"];

    /// <summary>The client's service_tier -> the Converse tier; null for auto or nothing (the policy decides).</summary>
    public static Bedrock.ServiceTier? Requested(string? value, ResolvedModel model)
    {
        if (value is null or "auto")
        {
            return null;
        }

        var tier = ServiceTierNames.Parse(value) ?? throw UnsupportedValue(Param,
            $"service_tier '{value}' is not offered by Amazon Bedrock; use one of {string.Join(", ", Names.Select(n => $"'{n}'"))}.");
        if (!model.Spec.Offers(tier))
        {
            throw UnsupportedValue(Param,
                $"The model `{model.RequestedName}` is not offered in Amazon Bedrock's '{value}' service tier; it is offered in {Offered(model.Spec)}.");
        }

        return new Bedrock.ServiceTier { Type = value };
    }

    /// <summary>The customer's and the key's rules on the translated call: a tier the key may not ask for is refused;
    /// a call that asked for none gets the customer's default tier, where the model is offered in it.</summary>
    /// <param name="keyTiers">The tiers the key may ask for; empty for all.</param>
    public static void Apply(Bedrock.ConverseRequest request, ModelSpec spec, string customerDefault, IReadOnlyCollection<string> keyTiers)
    {
        if (request.ServiceTier is { Type: var asked })
        {
            if (keyTiers.Count > 0 && !keyTiers.Contains(asked))
            {
                throw Invalid($"This API key may not use the '{asked}' service tier; it may use {string.Join(", ", keyTiers.Select(t => $"'{t}'"))}.",
                    Param, "service_tier_not_allowed");
            }

            return;
        }

        if (ServiceTierNames.Parse(customerDefault) is { } tier && spec.Offers(tier))
        {
            request.ServiceTier = new Bedrock.ServiceTier { Type = customerDefault };
        }
    }

    /// <summary>The tier an answer reports in service_tier: the one Bedrock says it served, else the one asked for,
    /// else Bedrock's standard tier ("default", which is what OpenAI reports for it too).</summary>
    public static string Reported(Bedrock.ConverseRequest request, Bedrock.ServiceTier? served) =>
        served?.Type ?? request.ServiceTier?.Type ?? Default;

    private static string Offered(ModelSpec spec) =>
        string.Join(", ", new[] { Default, "flex", "priority" }.Where(n => spec.Offers(ServiceTierNames.Parse(n)!.Value)).Select(n => $"'{n}'"));
}
