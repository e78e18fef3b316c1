using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

public class ChatStreamTranslatorTests
{
    /// <summary>Feeds Bedrock events and returns the `data:` lines the client would get (ids and times fixed).</summary>
    private static List<string> Run(string request, params (string Type, string Payload)[] events)
    {
        var translator = new ChatStreamTranslator(TranslatorFixtures.Chat(request), "chatcmpl-s", 1);
        return events.SelectMany(e => translator.Translate(Event(e.Type, e.Payload)))
            .Select(chunk => JsonSerializer.Serialize(chunk, OpenAiJsonContext.Wire.ChatCompletionChunk))
            .Select(json => json.Replace("\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"system_fingerprint\":null,", "").Replace("\"service_tier\":\"default\",", ""))
            .ToList();
    }

    private const string Streaming = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"x"}]}""";
    private const string WithUsage = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""";

    [Fact]
    public void Text_streams_role_first_then_deltas_then_finish()
    {
        var lines = Run(Streaming,
            ("messageStart", """{"role":"assistant","p":"abc"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abcdef"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"lo"}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("messageStop", """{"stopReason":"max_tokens"}"""),
            ("metadata", """{"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5},"metrics":{"latencyMs":9}}"""));
        Assert.Equal(
        [
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}""",
        ], lines);
    }

    [Fact]
    public void With_include_usage_every_chunk_carries_null_usage_and_a_last_chunk_carries_the_usage()
    {
        var lines = Run(WithUsage,
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hi"}}"""),
            ("messageStop", """{"stopReason":"end_turn"}"""),
            ("metadata", """{"usage":{"inputTokens":3,"outputTokens":1,"totalTokens":4,"cacheReadInputTokens":2},"metrics":{"latencyMs":9}}"""));
        Assert.All(lines.Take(3), l => Assert.EndsWith("\"usage\":null}", l));
        Assert.Equal(
            """{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":0}}}""",
            lines[3]);
    }

    [Fact]
    public void Tool_calls_are_indexed_from_zero_whatever_the_content_block_index()
    {
        // Text at block 0, two tools at blocks 1 and 2: OpenAI indexes are 0 and 1 (not contentBlockIndex - 1 of the first tool).
        var lines = Run("""{"model":"gpt-4o","stream":true,"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],"messages":[{"role":"user","content":"x"}]}""",
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"ok"}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"a"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"x\":"}}}"""),
            ("contentBlockStart", """{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"t2","name":"b"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"1}"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{}"}}}"""),
            ("messageStop", """{"stopReason":"tool_use"}"""));
        Assert.Equal(
        [
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":"ok"},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"a","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"t2","type":"function","function":{"name":"b","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}""",
        ], lines);
    }

    [Fact]
    public void A_json_tool_streams_its_input_as_content_and_holds_back_preamble_text()
    {
        var lines = Run("""{"model":"gpt-4o","stream":true,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}""",
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"thinking..."}}"""),
            ("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t","name":"json_object"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\""}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":":1}"}}}"""),
            ("messageStop", """{"stopReason":"tool_use"}"""));
        Assert.Equal(
        [
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":"{\"a\""},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":":1}"},"logprobs":null,"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""",
        ], lines);
    }

    [Fact]
    public void Without_a_json_tool_call_the_held_text_is_the_answer()
    {
        var lines = Run("""{"model":"gpt-4o","stream":true,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}""",
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"{\"b\":"}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"2}"}}"""),
            ("messageStop", """{"stopReason":"end_turn"}"""));
        Assert.Equal("""{"choices":[{"index":0,"delta":{"content":"{\"b\":2}"},"logprobs":null,"finish_reason":null}]}""", lines[1]);
        Assert.Equal(3, lines.Count);
    }

    [Fact]
    public void Finished_is_set_only_by_message_stop()
    {
        var translator = new ChatStreamTranslator(TranslatorFixtures.Chat(Streaming), "id", 1);
        _ = translator.Translate(Event("messageStart", """{"role":"assistant"}""")).ToList();
        Assert.False(translator.Finished);
        _ = translator.Translate(Event("messageStop", """{"stopReason":"end_turn"}""")).ToList();
        Assert.True(translator.Finished);
    }
}
