using System.Text.Json;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Tests.Unit;

public class ReasoningTests
{
    private static string Request(string model, string effort, string extra = "") =>
        $$"""{"model":"{{model}}","reasoning_effort":"{{effort}}","messages":[{"role":"user","content":"hi"}]{{extra}}}""";

    public static TheoryData<string, string, string, string?, int?> Mapped => new()
    {
        { "us.amazon.nova-2-lite-v1:0", "medium", "", """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"medium"}}""", 65535 },
        { "us.amazon.nova-2-lite-v1:0", "low", ""","max_tokens":100""", """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"low"}}""", 100 },
        { "us.amazon.nova-2-lite-v1:0", "minimal", "", """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"low"}}""", 65535 },
        { "us.amazon.nova-2-lite-v1:0", "high", "", """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"high"}}""", null },
        { "us.amazon.nova-2-lite-v1:0", "none", "", """{"reasoningConfig":{"type":"disabled"}}""", 65535 },
    };

    [Theory]
    [MemberData(nameof(Mapped))]
    public void Maps_reasoning_effort_to_nova_2_reasoning_config(string model, string effort, string extra, string? fields, int? maxTokens)
    {
        var converse = ChatRequestTranslatorTests.Translate(Request(model, effort, extra)).Request;

        Assert.Equal(fields, converse.AdditionalModelRequestFields?.GetRawText());
        Assert.Equal(maxTokens, converse.InferenceConfig!.MaxTokens);
    }

    public static TheoryData<string, string, string, string> Refused => new()
    {
        { "gpt-4o", "low", "", "reasoning_effort" },
        { "us.amazon.nova-2-lite-v1:0", "extreme", "", "reasoning_effort" },
        { "us.amazon.nova-2-lite-v1:0", "high", ""","temperature":0.2""", "temperature" },
        { "us.amazon.nova-2-lite-v1:0", "high", ""","top_p":0.9""", "top_p" },
        { "us.amazon.nova-2-lite-v1:0", "high", ""","max_completion_tokens":500""", "max_completion_tokens" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_what_the_model_cannot_do_naming_the_field(string model, string effort, string extra, string param)
    {
        var error = Assert.Throws<OpenAiException>(() => ChatRequestTranslatorTests.Translate(Request(model, effort, extra))).Error;

        Assert.Equal((400, param), (error.Status, error.Param));
    }
}
