using System.Text.Json.Nodes;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Tests.Unit;

public class ChatResponseTranslatorTests
{
    private static ConverseResponse Response(string json) => JsonSerializer.Deserialize(json, BedrockJsonContext.Default.ConverseResponse)!;

    private static JsonNode Completion(string request, string response) =>
        JsonNode.Parse(JsonSerializer.Serialize(
            ChatResponseTranslator.Translate(Response(response), TranslatorFixtures.Chat(request), "chatcmpl-test", 1700000000),
            OpenAiJsonContext.Wire.ChatCompletion))!;

    private const string Plain = """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}""";

    [Fact]
    public void A_text_answer_has_openai_shape_with_the_requested_model_name()
    {
        var completion = Completion(Plain, """{"output":{"message":{"role":"assistant","content":[{"text":"Hello"}]}},"stopReason":"end_turn","usage":{"inputTokens":10,"outputTokens":2,"totalTokens":12},"metrics":{"latencyMs":5}}""");
        var expected = JsonNode.Parse("""
            {"id":"chatcmpl-test","object":"chat.completion","created":1700000000,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},
             "system_fingerprint":null,"service_tier":"default"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, completion), completion.ToJsonString());
    }

    [Fact]
    public void Tool_uses_become_tool_calls_with_arguments_as_a_json_string()
    {
        var completion = Completion(Plain, """{"output":{"message":{"role":"assistant","content":[{"text":"<thinking>Need weather.</thinking>"},{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}},{"toolUse":{"toolUseId":"tooluse_2","name":"get_time","input":{}}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}""");
        var choice = completion["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Equal("<thinking>Need weather.</thinking>", (string?)choice["message"]!["content"]);
        var expected = JsonNode.Parse("""[{"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"tooluse_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]""");
        Assert.True(JsonNode.DeepEquals(expected, choice["message"]!["tool_calls"]), choice.ToJsonString());
    }

    [Fact]
    public void The_json_tool_of_response_format_becomes_the_message_content()
    {
        var request = """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object","properties":{"name":{"type":"string"}}}}}}""";
        var completion = Completion(request, """{"output":{"message":{"role":"assistant","content":[{"text":"Sure."},{"toolUse":{"toolUseId":"t","name":"person","input":{"name":"Ada"}}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}""");
        var choice = completion["choices"]![0]!;
        Assert.Equal("""{"name":"Ada"}""", (string?)choice["message"]!["content"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Null(choice["message"]!["tool_calls"]);
    }

    [Fact]
    public void Cached_tokens_count_in_prompt_tokens_and_are_reported_apart()
    {
        var usage = ChatResponseTranslator.UsageOf(new TokenUsage { InputTokens = 100, OutputTokens = 20, TotalTokens = 1120, CacheReadInputTokens = 1000 });
        Assert.Equal((1100, 20, 1120, 1000), (usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, usage.PromptTokensDetails!.CachedTokens));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("content_filtered", "content_filter")]
    [InlineData("malformed_model_output", "stop")]
    [InlineData("malformed_tool_use", "stop")]
    [InlineData("something_new", "stop")]
    [InlineData(null, "stop")]
    public void Finish_reasons_map_to_openai_values(string? stopReason, string finishReason) =>
        Assert.Equal(finishReason, FinishReasons.Map(stopReason));
}
