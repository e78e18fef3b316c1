using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>service_tier -> serviceTier, the customer's default and the key's tiers, the tier each answer reports,
/// and its price.</summary>
public class ServiceTierTests
{
    private static string T(string tier) => $",\"service_tier\":\"{tier}\"";

    private static ChatTranslation Chat(string model, string tier, bool stream = false) =>
        TranslatorFixtures.Chat($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{tier}}{{(stream ? ""","stream":true""" : "")}}}""", Nova2Models);

    /// <summary>model, service_tier member, Converse serviceTier (null: left out) or the 400's message start.</summary>
    public static TheoryData<string, string, string?, string?> Requests => new()
    {
        { "lite2", "", null, null },
        { "lite2", ""","service_tier":null""", null, null },
        { "lite2", T("auto"), null, null },
        { "lite2", T("default"), """{"type":"default"}""", null },
        { "lite2", T("flex"), """{"type":"flex"}""", null },
        { "lite2", T("priority"), """{"type":"priority"}""", null },
        { "pro", T("priority"), """{"type":"priority"}""", null },
        { "micro", T("default"), """{"type":"default"}""", null },
        { "micro", T("flex"), null, "The model `micro` is not offered in Amazon Bedrock's 'flex' service tier; it is offered in 'default'." },
        { "micro", T("priority"), null, "The model `micro` is not offered in Amazon Bedrock's 'priority' service tier" },
        { "lite2", T("scale"), null, "service_tier 'scale' is not offered by Amazon Bedrock; use one of 'auto', 'default', 'flex', 'priority'." },
        { "lite2", T("fast"), null, "service_tier 'fast' is not offered by Amazon Bedrock" },
        { "lite2", T("reserved"), null, "service_tier 'reserved' is not offered by Amazon Bedrock" },
        { "lite2", T("FLEX"), null, "service_tier 'FLEX' is not offered by Amazon Bedrock" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Maps_service_tier_to_converse_or_refuses_it_by_name(string model, string member, string? converse, string? error)
    {
        if (error is not null)
        {
            var e = Assert.Throws<OpenAiException>(() => Chat(model, member)).Error;
            Assert.Equal((400, "service_tier", "unsupported_value"), (e.Status, e.Param, e.Code));
            Assert.StartsWith(error, e.Message, StringComparison.Ordinal);
            return;
        }

        var tier = Chat(model, member).Request.ServiceTier;
        Assert.Equal(converse, tier is null ? null : JsonSerializer.Serialize(tier, BedrockJsonContext.Default.ServiceTier));
    }

    [Fact]
    public void A_wrong_type_is_a_400_naming_service_tier()
    {
        var e = Assert.Throws<OpenAiException>(() => Chat("lite2", ""","service_tier":5""")).Error;
        Assert.Equal((400, "service_tier"), (e.Status, e.Param));
    }

    [Fact]
    public void The_responses_api_maps_service_tier_the_same_way()
    {
        Assert.Equal("flex", Responses("""{"model":"gpt-4o","input":"hi","service_tier":"flex"}""").Chat.Request.ServiceTier?.Type);
        var e = Assert.Throws<OpenAiException>(() => Responses("""{"model":"gpt-3.5-turbo","input":"hi","service_tier":"priority"}""")).Error;
        Assert.Equal((400, "service_tier"), (e.Status, e.Param));
    }

    /// <summary>model, asked (null: none), customer default, key tiers, the tier sent (null: none) or the 400's message.</summary>
    public static TheoryData<string, string?, string, string[], string?, string?> Policies => new()
    {
        { "lite2", null, "auto", [], null, null },
        { "lite2", null, "flex", [], "flex", null },
        { "lite2", null, "priority", ["default"], "priority", null },
        // The customer's default applies only where the model is offered in it.
        { "micro", null, "flex", [], null, null },
        { "lite2", "priority", "flex", [], "priority", null },
        { "lite2", "flex", "auto", ["default", "flex"], "flex", null },
        { "lite2", "priority", "auto", ["default", "flex"], null, "This API key may not use the 'priority' service tier; it may use 'default', 'flex'." },
        { "lite2", "default", "flex", ["flex"], null, "This API key may not use the 'default' service tier; it may use 'flex'." },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Applies_the_customer_default_and_the_keys_tiers(string model, string? asked, string customerDefault, string[] keyTiers, string? sent, string? error)
    {
        var call = Chat(model, asked is null ? "" : T(asked));
        if (error is not null)
        {
            var e = Assert.Throws<OpenAiException>(() => ServiceTierMapping.Apply(call.Request, call.Model.Spec, customerDefault, keyTiers)).Error;
            Assert.Equal((400, "service_tier", "service_tier_not_allowed", error), (e.Status, e.Param, e.Code, e.Message));
            return;
        }

        ServiceTierMapping.Apply(call.Request, call.Model.Spec, customerDefault, keyTiers);
        Assert.Equal(sent, call.Request.ServiceTier?.Type);
    }

    /// <summary>tier sent (null: none), tier Bedrock reports (null: none), what service_tier says.</summary>
    [Theory]
    [InlineData(null, null, "default")]
    [InlineData("flex", null, "flex")]
    [InlineData("flex", "flex", "flex")]
    [InlineData(null, "priority", "priority")]
    [InlineData("priority", "default", "default")]
    public void Every_answer_reports_the_tier_that_served_it(string? sent, string? served, string reported)
    {
        var call = Chat("lite2", sent is null ? "" : T(sent), stream: true);
        var bedrockTier = served is null ? "" : $$""","serviceTier":{"type":"{{served}}"}""";
        var response = JsonSerializer.Deserialize("""{"output":{"message":{"role":"assistant","content":[{"text":"hello"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2}""" + bedrockTier + "}",
            BedrockJsonContext.Default.ConverseResponse)!;

        var completion = ChatResponseTranslator.Translate(response, call, "id", 1);
        var stream = new ChatStreamTranslator(call with { IncludeUsage = true }, "id", 1);
        var chunks = new[]
        {
            Event("messageStart", """{"role":"assistant"}"""),
            Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"hello"}}"""),
            Event("messageStop", """{"stopReason":"end_turn"}"""),
            Event("metadata", """{"usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2}""" + bedrockTier + "}"),
        }.SelectMany(stream.Translate).ToList();
        var responses = new ResponsesTranslation(call, Responses("""{"model":"gpt-4o","input":"hi"}""").Echo);
        var responseObject = ResponsesResponseTranslator.Translate(response, responses, "resp", 1, p => p);

        Assert.Equal(reported, completion.ServiceTier);
        Assert.Equal(reported, responseObject.ServiceTier);
        Assert.Equal(reported, chunks[^1].ServiceTier);
        // Bedrock names the tier only in its final event: until then the chunks report the one asked for.
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(sent ?? "default", c.ServiceTier));
    }

    [Theory]
    [InlineData(null, 0.0028)]
    [InlineData("default", 0.0028)]
    [InlineData("flex", 0.0014)]
    [InlineData("priority", 0.0049)]
    public void Prices_the_tier(string? tier, double usd) =>
        // Nova 2 Lite: 1,000 input tokens at $0.30/M and 1,000 output at $2.50/M = $0.0028 standard.
        Assert.Equal((decimal)usd, NovaPrices.Estimate("amazon.nova-2-lite-v1:0", 1000, 1000, tier));
}
