using System.Text.Json.Nodes;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

public class ResponsesResponseTranslatorTests
{
    private const string Plain = """{"model":"gpt-4o","input":"x"}""";

    /// <summary>Ids numbered in the order they are made: msg_1, fc_2...</summary>
    private static Func<string, string> Counter()
    {
        var n = 0;
        return prefix => $"{prefix}_{++n}";
    }

    private static JsonNode Respond(string request, string converseResponse) => JsonNode.Parse(JsonSerializer.Serialize(
        ResponsesResponseTranslator.Translate(JsonSerializer.Deserialize(converseResponse, BedrockJsonContext.Default.ConverseResponse)!,
            Responses(request), "resp_test", 1700000000, Counter()),
        OpenAiJsonContext.Wire.ResponseObject))!;

    private static string Answer(string content, string stopReason = "end_turn", string usage = """{"inputTokens":10,"outputTokens":2,"totalTokens":12}""") =>
        $$$"""{"output":{"message":{"role":"assistant","content":[{{{content}}}]}},"stopReason":"{{{stopReason}}}","usage":{{{usage}}},"metrics":{"latencyMs":5}}""";

    [Fact]
    public void A_text_answer_is_a_completed_response_with_one_message_and_every_echo_field()
    {
        var response = Respond(Plain, Answer("""{"text":"Hello"}"""));

        var expected = JsonNode.Parse("""
            {"id":"resp_test","object":"response","created_at":1700000000,"status":"completed","background":false,"error":null,
             "incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"gpt-4o",
             "output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],
             "parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":false,"temperature":null,
             "text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled",
             "usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":12},
             "user":null,"metadata":{},"service_tier":"default"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, response), response.ToJsonString());
    }

    [Fact]
    public void Tool_uses_become_function_call_items_after_the_message_with_call_ids_and_json_arguments()
    {
        var request = $$"""{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":false},{"type":"function","name":"get_time"}],"tool_choice":"required"}""";
        var response = Respond(request, Answer("""{"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}},{"toolUse":{"toolUseId":"tooluse_2","name":"get_time","input":{}}}""", "tool_use"));

        var expected = JsonNode.Parse("""
            [{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
             {"type":"function_call","id":"fc_2","status":"completed","call_id":"tooluse_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
             {"type":"function_call","id":"fc_3","status":"completed","call_id":"tooluse_2","name":"get_time","arguments":"{}"}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, response["output"]), response["output"]!.ToJsonString());
        Assert.Equal("completed", (string?)response["status"]);
        Assert.Equal("required", (string?)response["tool_choice"]);
        var tools = JsonNode.Parse("""[{"type":"function","name":"get_weather","description":null,"parameters":{"type":"object"},"strict":false},{"type":"function","name":"get_time","description":null,"parameters":null,"strict":null}]""");
        Assert.True(JsonNode.DeepEquals(tools, response["tools"]), response["tools"]!.ToJsonString());
    }

    [Fact]
    public void Nova_2_reasoning_is_a_reasoning_item_before_the_message()
    {
        var response = Respond("""{"model":"us.amazon.nova-2-lite-v1:0","input":"x","reasoning":{"effort":"low"}}""",
            Answer("""{"reasoningContent":{"reasoningText":{"text":"[REDACTED]"}}},{"text":"Hi"}"""));

        var expected = JsonNode.Parse("""
            [{"type":"reasoning","id":"rs_1","status":"completed","content":[{"type":"reasoning_text","text":"[REDACTED]"}],"summary":[]},
             {"type":"message","id":"msg_2","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, response["output"]), response["output"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"effort":"low","summary":null}"""), response["reasoning"]));
    }

    public static TheoryData<string, string, string?, string> Outcomes => new()
    {
        { "max_tokens", "incomplete", "max_output_tokens", "incomplete" },
        { "model_context_window_exceeded", "incomplete", "max_output_tokens", "incomplete" },
        { "guardrail_intervened", "incomplete", "content_filter", "incomplete" },
        { "content_filtered", "incomplete", "content_filter", "incomplete" },
        { "stop_sequence", "completed", null, "completed" },
        { "malformed_model_output", "completed", null, "completed" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Stop_reasons_set_the_status_and_the_incomplete_reason(string stopReason, string status, string? reason, string messageStatus)
    {
        var response = Respond(Plain, Answer("""{"text":"Hel"}""", stopReason));

        Assert.Equal((status, reason, messageStatus),
            ((string?)response["status"], (string?)response["incomplete_details"]?["reason"], (string?)response["output"]![0]!["status"]));
    }

    [Fact]
    public void Json_schema_answers_are_the_message_text()
    {
        var request = """{"model":"gpt-4o","input":"x","text":{"format":{"type":"json_schema","name":"person","schema":{"type":"object"}}}}""";
        var response = Respond(request, Answer("""{"text":"Sure."},{"toolUse":{"toolUseId":"t","name":"person","input":{"name":"Ada"}}}""", "tool_use"));

        var item = Assert.Single(response["output"]!.AsArray())!;
        Assert.Equal(("message", """{"name":"Ada"}""", "completed"), ((string?)item["type"], (string?)item["content"]![0]!["text"], (string?)response["status"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"format":{"type":"json_schema","name":"person","schema":{"type":"object"},"strict":null}}"""), response["text"]));
    }

    [Fact]
    public void Usage_counts_cached_prompt_tokens_among_the_input_tokens()
    {
        var response = Respond(Plain, Answer("""{"text":"Hi"}""", usage: """{"inputTokens":2,"outputTokens":1,"totalTokens":11,"cacheReadInputTokens":8}"""));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"input_tokens":10,"input_tokens_details":{"cached_tokens":8},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":11}"""),
            response["usage"]), response["usage"]!.ToJsonString());
    }

    // Streaming.

    /// <summary>Feeds Bedrock events to a stream translator and returns every event it writes, as JSON, in order.</summary>
    private static (List<JsonNode> Events, ResponsesStreamTranslator Translator) Stream(string request, bool complete, params (string Type, string Payload)[] events)
    {
        var translator = new ResponsesStreamTranslator(Responses(request), "resp_s", 1, Counter());
        var written = translator.Start().Concat(events.SelectMany(e => translator.Translate(Event(e.Type, e.Payload)))).ToList();
        if (complete)
        {
            written.Add(translator.Complete());
        }

        return ([.. written.Select(e => JsonNode.Parse(JsonSerializer.Serialize(e, OpenAiJsonContext.Wire.ResponseStreamEvent))!)], translator);
    }

    private static readonly (string, string)[] Usage = [("metadata", """{"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5},"metrics":{"latencyMs":9}}""")];

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString());

    private static string Types(List<JsonNode> events) => string.Join(" ", events.Select(e => ((string)e["type"]!).Replace("response.", "")));

    [Fact]
    public void Text_streams_in_openai_order_with_a_sequence_number_on_every_event()
    {
        var (events, translator) = Stream("""{"model":"gpt-4o","input":"x","stream":true}""", complete: true,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hel"}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"lo"}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("messageStop", """{"stopReason":"end_turn"}"""),
            .. Usage,
        ]);

        Assert.Equal("created in_progress output_item.added content_part.added output_text.delta output_text.delta output_text.done content_part.done output_item.done completed", Types(events));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e["sequence_number"]!));
        Assert.True(translator.Finished);
        Assert.Equal((3, 2), (translator.InputTokens, translator.OutputTokens));
        var created = events[0]["response"]!;
        Assert.Equal(("resp_s", "in_progress", 0), ((string?)created["id"], (string?)created["status"], created["output"]!.AsArray().Count));
        Assert.Null(created["usage"]);
        string[] expected =
        [
            """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"type":"message","id":"msg_1","status":"in_progress","role":"assistant","content":[]}}""",
            """{"type":"response.content_part.added","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}""",
            """{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel","logprobs":[]}""",
            """{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo","logprobs":[]}""",
            """{"type":"response.output_text.done","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello","logprobs":[]}""",
            """{"type":"response.content_part.done","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello","annotations":[]}}""",
            """{"type":"response.output_item.done","sequence_number":8,"output_index":0,"item":{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}}""",
        ];
        Assert.Equal(expected, events.Skip(2).Take(7).Select(e => e.ToJsonString()));
        var completed = events[^1]["response"]!;
        Assert.Equal("completed", (string?)completed["status"]);
        Assert.True(JsonNode.DeepEquals(events[8]["item"], completed["output"]![0]));
        Assert.Equal((3, 2, 5), ((int)completed["usage"]!["input_tokens"]!, (int)completed["usage"]!["output_tokens"]!, (int)completed["usage"]!["total_tokens"]!));
    }

    [Fact]
    public void Reasoning_streams_as_its_own_item_before_the_message()
    {
        var (events, _) = Stream("""{"model":"us.amazon.nova-2-lite-v1:0","input":"x","stream":true,"reasoning":{"effort":"low"}}""", complete: true,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"[REDACTED]"}}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"text":"Hi"}}"""),
            ("contentBlockStop", """{"contentBlockIndex":1}"""),
            ("messageStop", """{"stopReason":"end_turn"}"""),
            .. Usage,
        ]);

        Assert.Equal("created in_progress output_item.added content_part.added reasoning_text.delta reasoning_text.done content_part.done output_item.done "
            + "output_item.added content_part.added output_text.delta output_text.done content_part.done output_item.done completed", Types(events));
        Assert.Equal("""{"type":"reasoning","id":"rs_1","status":"in_progress","content":[],"summary":[]}""", events[2]["item"]!.ToJsonString());
        Assert.Equal("""{"type":"reasoning_text","text":""}""", events[3]["part"]!.ToJsonString());
        Assert.Equal(("rs_1", 0, "[REDACTED]"), ((string?)events[5]["item_id"], (int)events[5]["output_index"]!, (string?)events[5]["text"]));
        Assert.Equal(("msg_2", 1), ((string?)events[8]["item"]!["id"], (int)events[8]["output_index"]!));
        Assert.Equal(["reasoning", "message"], events[^1]["response"]!["output"]!.AsArray().Select(i => (string)i!["type"]!));
    }

    [Fact]
    public void Several_tool_calls_in_one_turn_are_items_with_their_own_output_index_and_argument_fragments()
    {
        var (events, _) = Stream("""{"model":"gpt-4o","input":"x","stream":true,"tools":[{"type":"function","name":"get_time"},{"type":"function","name":"get_weather"}]}""", complete: true,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Let me check."}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_a","name":"get_time"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"zone\":"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"UTC\"}"}}}"""),
            ("contentBlockStop", """{"contentBlockIndex":1}"""),
            ("contentBlockStart", """{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tooluse_b","name":"get_weather"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{}"}}}"""),
            ("contentBlockStop", """{"contentBlockIndex":2}"""),
            ("messageStop", """{"stopReason":"tool_use"}"""),
            .. Usage,
        ]);

        Assert.Equal("created in_progress output_item.added content_part.added output_text.delta output_text.done content_part.done output_item.done "
            + "output_item.added function_call_arguments.delta function_call_arguments.delta function_call_arguments.done output_item.done "
            + "output_item.added function_call_arguments.delta function_call_arguments.done output_item.done completed", Types(events));
        AssertJson("""{"type":"response.output_item.added","sequence_number":8,"output_index":1,"item":{"type":"function_call","id":"fc_2","status":"in_progress","call_id":"tooluse_a","name":"get_time","arguments":""}}""", events[8]);
        AssertJson("""{"type":"response.function_call_arguments.delta","sequence_number":9,"item_id":"fc_2","output_index":1,"delta":"{\"zone\":"}""", events[9]);
        AssertJson("""{"type":"response.function_call_arguments.done","sequence_number":11,"item_id":"fc_2","output_index":1,"name":"get_time","arguments":"{\"zone\":\"UTC\"}"}""", events[11]);
        Assert.Equal(("fc_3", 2, "tooluse_b"), ((string?)events[13]["item"]!["id"], (int)events[13]["output_index"]!, (string?)events[13]["item"]!["call_id"]));
        var output = events[^1]["response"]!["output"]!.AsArray();
        Assert.Equal([("message", "completed"), ("function_call", "completed"), ("function_call", "completed")], output.Select(i => ((string)i!["type"]!, (string)i["status"]!)));
        Assert.Equal(["""{"zone":"UTC"}""", "{}"], output.Skip(1).Select(i => (string)i!["arguments"]!));
    }

    [Fact]
    public void A_stream_cut_by_the_token_limit_ends_with_response_incomplete()
    {
        var (events, _) = Stream("""{"model":"gpt-4o","input":"x","stream":true,"max_output_tokens":1}""", complete: true,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"You"}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("messageStop", """{"stopReason":"max_tokens"}"""),
            .. Usage,
        ]);

        Assert.Equal("incomplete", (string?)events[^2]["item"]!["status"]);
        Assert.Equal("response.incomplete", (string?)events[^1]["type"]);
        Assert.Equal(("incomplete", "max_output_tokens", 1), ((string?)events[^1]["response"]!["status"], (string?)events[^1]["response"]!["incomplete_details"]!["reason"],
            (int)events[^1]["response"]!["max_output_tokens"]!));
    }

    [Fact]
    public void Json_schema_output_streams_as_message_text()
    {
        var (events, _) = Stream("""{"model":"gpt-4o","input":"x","stream":true,"text":{"format":{"type":"json_schema","name":"place","schema":{"type":"object"}}}}""", complete: true,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t","name":"place"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"city\":"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"\"Lima\"}"}}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("messageStop", """{"stopReason":"tool_use"}"""),
            .. Usage,
        ]);

        Assert.DoesNotContain("function_call", Types(events));
        Assert.Equal("""{"city":"Lima"}""", (string?)events.Single(e => (string?)e["type"] == "response.output_text.done")["text"]);
        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
    }

    [Fact]
    public void A_failure_mid_stream_ends_with_an_error_event_then_response_failed_keeping_what_was_said()
    {
        var (events, translator) = Stream("""{"model":"gpt-4o","input":"x","stream":true}""", complete: false,
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"You"}}"""),
        ]);

        var (error, failed) = translator.Fail(new OpenAiError(429, "Amazon Bedrock is throttling requests: Too many tokens", OpenAiError.RateLimitType, null, "rate_limit_exceeded"));

        Assert.False(translator.Finished);
        Assert.Equal("""{"type":"error","sequence_number":5,"code":"rate_limit_exceeded","message":"Amazon Bedrock is throttling requests: Too many tokens","param":null}""",
            JsonSerializer.Serialize(error, OpenAiJsonContext.Wire.ResponseErrorEvent));
        var response = JsonNode.Parse(JsonSerializer.Serialize(failed, OpenAiJsonContext.Wire.ResponseStreamEvent))!;
        Assert.Equal(("response.failed", 6, "failed"), ((string?)response["type"], (int)response["sequence_number"]!, (string?)response["response"]!["status"]));
        Assert.Equal("""{"code":"rate_limit_exceeded","message":"Amazon Bedrock is throttling requests: Too many tokens"}""", response["response"]!["error"]!.ToJsonString());
        Assert.Equal("""[{"type":"message","id":"msg_1","status":"incomplete","role":"assistant","content":[{"type":"output_text","text":"You","annotations":[]}]}]""",
            response["response"]!["output"]!.ToJsonString());
        Assert.Equal(5, events.Count);
    }
}
