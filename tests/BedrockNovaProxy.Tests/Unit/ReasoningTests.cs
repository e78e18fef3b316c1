using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;

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
        var converse = TranslatorFixtures.Chat(Request(model, effort, extra)).Request;

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
        var error = Assert.Throws<OpenAiException>(() => TranslatorFixtures.Chat(Request(model, effort, extra))).Error;

        Assert.Equal((400, param), (error.Status, error.Param));
    }
}

/// <summary>reasoning_tokens, estimated: Bedrock's usage does not separate reasoning from outputTokens.</summary>
public class ReasoningTokenTests
{
    /// <summary>outputTokens, whether there is reasoning, whether it is redacted, reasoning and answer characters -> estimate.</summary>
    public static TheoryData<string, int, bool, bool, long, long, int> Estimates => new()
    {
        { "no reasoning block", 100, false, false, 0, 400, 0 },
        { "readable reasoning, a quarter of the characters", 100, true, false, 100, 300, 25 },
        { "readable reasoning, rounds half away from zero", 3, true, false, 1, 1, 2 },
        { "readable reasoning and no visible answer (all of it)", 50, true, false, 200, 0, 50 },
        { "readable reasoning, nothing billed", 0, true, false, 100, 100, 0 },
        { "redacted: what the visible answer leaves (20 characters are 5 tokens)", 69, true, true, 10, 20, 64 },
        { "redacted: a partial token of answer counts whole", 10, true, true, 10, 5, 8 },
        { "redacted: an answer longer than billed gives 0, never negative", 5, true, true, 10, 400, 0 },
        { "redacted: no answer at all (a cut-off think)", 256, true, true, 10, 0, 256 },
        { "redacted content only (no text)", 40, true, true, 0, 40, 30 },
    };

    [Theory]
    [MemberData(nameof(Estimates))]
    public void Shares_output_tokens_between_reasoning_and_answer(string name, int output, bool hasReasoning, bool redacted, long reasoningChars, long answerChars, int expected)
    {
        var estimate = ReasoningTokens.Estimate(output, hasReasoning, redacted, reasoningChars, answerChars);

        Assert.True(expected == estimate, $"{name}: {estimate}");
        Assert.InRange(estimate, 0, Math.Max(output, 0));
    }

    /// <summary>What the tally recognises as redacted reasoning.</summary>
    [Theory]
    [InlineData(new[] { "[REDACTED]" }, false, true)]
    [InlineData(new[] { "[REDA", "CTED]" }, false, true)]
    [InlineData(new[] { " [REDACTED]\n" }, false, true)]
    [InlineData(new[] { "Let me think about [REDACTED] words" }, false, false)]
    [InlineData(new[] { "[REDACTED]", " and then some more thinking that is readable" }, false, false)]
    [InlineData(new string[0], true, true)]
    public void Recognises_redacted_reasoning(string[] pieces, bool redactedContent, bool redacted)
    {
        var tally = new ReasoningTokens();
        foreach (var piece in pieces)
        {
            tally.Reasoning(piece);
        }

        tally.Reasoning(null, redactedContent);

        Assert.Equal((true, redacted), (tally.HasReasoning, tally.Redacted));
    }

    private const string Nova2 = """{"model":"us.amazon.nova-2-lite-v1:0","reasoning_effort":"medium","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""";

    [Fact]
    public void A_completion_reports_the_estimate_in_completion_tokens_details()
    {
        var response = JsonSerializer.Deserialize("""
            {"output":{"message":{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"[REDACTED]"}}},{"text":"You said: think hard"}]}},
             "stopReason":"end_turn","usage":{"inputTokens":2,"outputTokens":69,"totalTokens":71},"metrics":{"latencyMs":1}}
            """, BedrockJsonContext.Default.ConverseResponse)!;

        var completion = ChatResponseTranslator.Translate(response, TranslatorFixtures.Chat(Nova2.Replace("\"stream\":true,", "", StringComparison.Ordinal)), "c", 1);

        Assert.Equal((69, 64), (completion.Usage!.CompletionTokens, completion.Usage.CompletionTokensDetails!.ReasoningTokens));
        Assert.Equal("[REDACTED]", completion.Choices[0].Message.ReasoningContent);
    }

    [Fact]
    public void A_stream_reports_the_estimate_from_its_deltas_in_the_usage_chunk()
    {
        var translator = new ChatStreamTranslator(TranslatorFixtures.Chat(Nova2), "c", 1);
        var c = BedrockJsonContext.Default;
        ConverseStreamEvent Delta(string json) => new ConverseStreamEvent.BlockDelta(JsonSerializer.Deserialize(json, c.ContentBlockDeltaEvent)!);

        var chunks = new[]
        {
            Delta("""{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Weighing 3 options, the second is best."}}}"""),
            Delta("""{"contentBlockIndex":1,"delta":{"text":"Option two."}}"""),
            new ConverseStreamEvent.MessageStop(JsonSerializer.Deserialize("""{"stopReason":"end_turn"}""", c.MessageStopEvent)!),
            new ConverseStreamEvent.Metadata(JsonSerializer.Deserialize("""{"usage":{"inputTokens":1,"outputTokens":20,"totalTokens":21}}""", c.MetadataEvent)!),
        }.SelectMany(translator.Translate).ToList();

        // Readable reasoning: 39 of the 50 output characters, so 16 of the 20 tokens (15.6, rounded).
        Assert.Equal(16, chunks[^1].Usage.Value!.CompletionTokensDetails!.ReasoningTokens);
    }
}
