using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>web_search_options and the web_search / code_interpreter tools -> Nova's system tools, and Nova's
/// citations and code runs -> url_citation annotations, web_search_call and code_interpreter_call items.</summary>
public class BuiltInToolsTests
{
    private static ChatTranslation Chat(string json) => TranslatorFixtures.Chat(json, Nova2Models);

    private static ResponsesTranslation Responses(string json) => TranslatorFixtures.Responses(json, Nova2Models);

    private static string Tools(ConverseRequest request) =>
        JsonSerializer.Serialize(request.ToolConfig?.Tools ?? [], BedrockJsonContext.Default.ListTool);

    /// <summary>API, request, the Converse tools it becomes, or the 400's param and message start.</summary>
    public static TheoryData<string, string, string?, string?, string?> Requests => new()
    {
        { "chat", """{"model":"lite2","messages":[{"role":"user","content":"news"}],"web_search_options":{}}""", """[{"systemTool":{"name":"nova_grounding"}}]""", null, null },
        { "chat", """{"model":"lite2","messages":[{"role":"user","content":"news"}],"web_search_options":{"search_context_size":"high","user_location":{"type":"approximate","approximate":{"country":"GB"}}}}""", """[{"systemTool":{"name":"nova_grounding"}}]""", null, null },
        { "chat", """{"model":"lite2","messages":[{"role":"user","content":"news"}],"web_search_options":null}""", "[]", null, null },
        { "chat", """{"model":"lite2","messages":[{"role":"user","content":"news"}],"web_search_options":{},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}""", """[{"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object","properties":{}}}}},{"systemTool":{"name":"nova_grounding"}}]""", null, null },
        { "chat", """{"model":"pro","messages":[{"role":"user","content":"news"}],"web_search_options":{}}""", null, "web_search_options", "The model `pro` cannot search the web: Amazon Nova's web grounding runs on Amazon Nova Premier and Amazon Nova 2 Lite through US inference profiles (us.)" },
        { "chat", """{"model":"lite2-global","messages":[{"role":"user","content":"news"}],"web_search_options":{}}""", null, "web_search_options", "The model `lite2-global` cannot search the web" },
        { "chat", """{"model":"lite2","messages":[{"role":"user","content":"news"}],"web_search_options":"on"}""", null, "web_search_options", "Invalid type for 'web_search_options'" },
        { "responses", """{"model":"lite2","input":"news","tools":[{"type":"web_search"}]}""", """[{"systemTool":{"name":"nova_grounding"}}]""", null, null },
        { "responses", """{"model":"lite2","input":"news","tools":[{"type":"web_search_preview","search_context_size":"low"}]}""", """[{"systemTool":{"name":"nova_grounding"}}]""", null, null },
        { "responses", """{"model":"lite2","input":"sum","tools":[{"type":"code_interpreter","container":{"type":"auto"}}]}""", """[{"systemTool":{"name":"nova_code_interpreter"}}]""", null, null },
        { "responses", """{"model":"lite2","input":"both","tools":[{"type":"web_search"},{"type":"code_interpreter","container":"cntr_1"}]}""", """[{"systemTool":{"name":"nova_grounding"}},{"systemTool":{"name":"nova_code_interpreter"}}]""", null, null },
        { "responses", """{"model":"pro","input":"news","tools":[{"type":"function","name":"f"},{"type":"web_search"}]}""", null, "tools[1]", "The model `pro` cannot search the web" },
        { "responses", """{"model":"pro","input":"sum","tools":[{"type":"code_interpreter"}]}""", null, "tools[0]", "The model `pro` cannot run code: Amazon Nova's code interpreter runs on Amazon Nova 2 Lite." },
        { "responses", """{"model":"lite2","input":"x","tools":[{"type":"file_search"}]}""", null, "tools[0].type", "" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Maps_built_in_tools_to_nova_system_tools_or_refuses_them_by_name(string api, string json, string? tools, string? param, string? message)
    {
        ConverseRequest Translate() => api == "chat" ? Chat(json).Request : Responses(json).Chat.Request;
        if (param is not null)
        {
            var e = Assert.Throws<OpenAiException>(Translate).Error;
            Assert.Equal((400, param), (e.Status, e.Param));
            Assert.StartsWith(message!, e.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(tools, Tools(Translate()));
    }

    [Theory]
    [InlineData(false, false, """{"model":"lite2","messages":[{"role":"user","content":"x"}],"web_search_options":{}}""", "web_search_options")]
    [InlineData(false, true, """{"model":"lite2","messages":[{"role":"user","content":"x"}],"web_search_options":{}}""", "web_search_options")]
    [InlineData(true, false, """{"model":"lite2","messages":[{"role":"user","content":"x"}],"web_search_options":{}}""", null)]
    [InlineData(false, false, """{"model":"lite2","messages":[{"role":"user","content":"x"}]}""", null)]
    public void A_tool_the_customer_has_not_switched_on_is_refused(bool grounding, bool code, string json, string? param)
    {
        var request = ChatRequest(json);
        var enabled = new BuiltInToolsOptions { WebGrounding = grounding, CodeInterpreter = code };
        var error = Record.Exception(() => BuiltInTools.CheckEnabled(request, enabled));
        Assert.Equal(param, (error as OpenAiException)?.Error.Param);
        var responses = ResponsesChat("""{"model":"lite2","input":"x","tools":[{"type":"function","name":"f"},{"type":"code_interpreter"}]}""");
        var refused = Assert.Throws<OpenAiException>(() => BuiltInTools.CheckEnabled(responses.Chat, new BuiltInToolsOptions())).Error;
        Assert.Equal("tools[1]", responses.Names.Rename(refused).Param);
    }

    private const string GroundedResponse = """
        {"output":{"message":{"role":"assistant","content":[
          {"toolUse":{"toolUseId":"g1","name":"nova_grounding","input":{"query":"tides today"}}},
          {"text":"From the web: "},
          {"citationsContent":{"content":[{"text":"High tide is at 6."}],"citations":[{"title":"Tide table","location":{"web":{"url":"https://tides.example/today","domain":"tides.example"}}},{"location":{"web":{"url":"https://sea.example/t","domain":"sea.example"}}}]}},
          {"text":" Bring boots."},
          {"citationsContent":{"citations":[{"location":{"web":{"url":"https://boots.example/","domain":"boots.example"}}}]}}]}},
         "stopReason":"tool_use","usage":{"inputTokens":5,"outputTokens":9,"totalTokens":14}}
        """;

    [Fact]
    public void Citations_become_url_citation_annotations_over_the_text_they_support()
    {
        var call = Chat("""{"model":"lite2","messages":[{"role":"user","content":"tides"}],"web_search_options":{}}""");
        var completion = ChatResponseTranslator.Translate(JsonSerializer.Deserialize(GroundedResponse, BedrockJsonContext.Default.ConverseResponse)!, call, "id", 1);
        var message = completion.Choices[0].Message;

        Assert.Equal("From the web: High tide is at 6. Bring boots.", message.Content);
        Assert.Equal("stop", completion.Choices[0].FinishReason);
        Assert.Null(message.ToolCalls);
        Assert.Equal(
            [("https://tides.example/today", "Tide table", 14, 32), ("https://sea.example/t", "sea.example", 14, 32), ("https://boots.example/", "boots.example", 32, 45)],
            message.Annotations!.Select(a => (a.UrlCitation.Url, a.UrlCitation.Title, a.UrlCitation.StartIndex, a.UrlCitation.EndIndex)));
        Assert.Equal("High tide is at 6.", message.Content![14..32]);
        var wire = JsonSerializer.Serialize(completion, OpenAiJsonContext.Wire.ChatCompletion);
        Assert.Contains("""{"type":"url_citation","url_citation":{"url":"https://tides.example/today","title":"Tide table","start_index":14,"end_index":32}}""", wire, StringComparison.Ordinal);
    }

    [Fact]
    public void The_responses_api_shows_the_search_and_annotates_the_text()
    {
        var call = Responses("""{"model":"lite2","input":"tides","tools":[{"type":"web_search"}]}""");
        var response = ResponsesResponseTranslator.Translate(JsonSerializer.Deserialize(GroundedResponse, BedrockJsonContext.Default.ConverseResponse)!, call, "resp", 1, p => p + "_1");
        var wire = JsonSerializer.SerializeToNode(response, OpenAiJsonContext.Wire.ResponseObject)!;

        AssertAt(wire, "output[0]", """{"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"tides today","sources":[{"type":"url","url":"https://tides.example/today"},{"type":"url","url":"https://sea.example/t"},{"type":"url","url":"https://boots.example/"}]}}""", "the search");
        AssertAt(wire, "output[1].content[0].annotations[0]", """{"type":"url_citation","url":"https://tides.example/today","title":"Tide table","start_index":14,"end_index":32}""", "flat annotations");
        Assert.Equal("completed", response.Status);
    }

    [Fact]
    public void Streamed_citations_annotate_the_text_streamed_before_them()
    {
        var call = Chat("""{"model":"lite2","stream":true,"messages":[{"role":"user","content":"tides"}],"web_search_options":{}}""");
        var translator = new ChatStreamTranslator(call, "id", 1);
        var chunks = Grounded.SelectMany(e => translator.Translate(Event(e.Type, e.Payload))).ToList();

        var annotations = chunks.SelectMany(c => c.Choices).SelectMany(c => c.Delta.Annotations ?? []).ToList();
        var text = string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta.Content));
        Assert.Equal("From the web: High tide is at 6.", text);
        Assert.Equal([("https://tides.example/today", "Tide table", 14, 32)], annotations.Select(a => (a.UrlCitation.Url, a.UrlCitation.Title, a.UrlCitation.StartIndex, a.UrlCitation.EndIndex)));
        Assert.Equal("stop", chunks.SelectMany(c => c.Choices).Last().FinishReason);
        Assert.DoesNotContain(chunks.SelectMany(c => c.Choices), c => c.Delta.ToolCalls is not null);
    }

    private static readonly (string Type, string Payload)[] Grounded =
    [
        ("messageStart", """{"role":"assistant"}"""),
        ("contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"g1","name":"nova_grounding","type":"server_tool_use"}}}"""),
        ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"query\":\"tides\"}"}}}"""),
        ("contentBlockStop", """{"contentBlockIndex":0}"""),
        ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"text":"From the web: "}}"""),
        ("contentBlockStop", """{"contentBlockIndex":1}"""),
        ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"text":"High tide "}}"""),
        ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"text":"is at 6."}}"""),
        ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"citation":{"title":"Tide table","location":{"web":{"url":"https://tides.example/today","domain":"tides.example"}}}}}"""),
        ("contentBlockStop", """{"contentBlockIndex":2}"""),
        ("messageStop", """{"stopReason":"end_turn"}"""),
        ("metadata", """{"usage":{"inputTokens":5,"outputTokens":9,"totalTokens":14}}"""),
    ];

    [Fact]
    public void A_streamed_search_is_a_web_search_call_item_with_its_events_then_the_annotated_message()
    {
        var call = Responses("""{"model":"lite2","stream":true,"input":"tides","tools":[{"type":"web_search"}]}""");
        var translator = new ResponsesStreamTranslator(call, "resp", 1, p => p + "_1");
        var events = translator.Start().ToList();
        events.AddRange(Grounded.SelectMany(e => translator.Translate(Event(e.Type, e.Payload))));
        events.Add(translator.Complete());

        Assert.Equal(
        [
            "response.created", "response.in_progress", "response.output_item.added", "response.web_search_call.in_progress", "response.web_search_call.searching",
            "response.web_search_call.completed", "response.output_item.done",
            "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
            "response.output_text.annotation.added",
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        ], events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.SequenceNumber));
        var added = events.Single(e => e.Type == "response.output_text.annotation.added");
        Assert.Equal((1, 0, 0, "msg_1", 14, 32), (added.OutputIndex, added.ContentIndex, added.AnnotationIndex, added.ItemId, added.Annotation!.StartIndex, added.Annotation.EndIndex));
        var completed = events[^1].Response!;
        Assert.Equal([OutputItem.WebSearchCall, OutputItem.Message], completed.Output.Select(o => o.Type));
        Assert.Equal("https://tides.example/today", completed.Output[0].Action!.Sources![0].Url);
        Assert.Single(completed.Output[1].Content![0].Annotations!);
    }

    private const string CodeResponse = """
        {"output":{"message":{"role":"assistant","content":[
          {"toolUse":{"toolUseId":"c1","name":"nova_code_interpreter","type":"server_tool_use","input":{"code":"print(6*7)"}}},
          {"toolResult":{"toolUseId":"c1","type":"nova_code_interpreter_result","status":"success","content":[{"text":"{\"stdOut\":\"42\\n\",\"stdErr\":\"\",\"exitCode\":0,\"isError\":false}"}]}},
          {"text":"It is 42."}]}},
         "stopReason":"end_turn","usage":{"inputTokens":5,"outputTokens":9,"totalTokens":14}}
        """;

    [Theory]
    [InlineData("""{"text":"{\"stdOut\":\"42\\n\",\"stdErr\":\"\",\"exitCode\":0,\"isError\":false}"}""", "success", "completed", "42\n")]
    [InlineData("""{"json":{"stdOut":"42\n","stdErr":"","exitCode":0,"isError":false}}""", "success", "completed", "42\n")]
    [InlineData("""{"text":"{\"stdOut\":\"\",\"stdErr\":\"Traceback\",\"exitCode\":1,\"isError\":true}"}""", "success", "completed", "Traceback")]
    [InlineData("""{"text":"killed"}""", "error", "completed", "killed")]
    public void A_code_run_is_a_code_interpreter_call_with_its_code_logs_and_status(string result, string bedrockStatus, string status, string logs)
    {
        var call = Responses("""{"model":"lite2","input":"six times seven","tools":[{"type":"code_interpreter","container":{"type":"auto"}}]}""");
        var body = CodeResponse.Replace("""{"text":"{\"stdOut\":\"42\\n\",\"stdErr\":\"\",\"exitCode\":0,\"isError\":false}"}""", result, StringComparison.Ordinal)
            .Replace("\"status\":\"success\"", $"\"status\":\"{bedrockStatus}\"", StringComparison.Ordinal);
        var response = ResponsesResponseTranslator.Translate(JsonSerializer.Deserialize(body, BedrockJsonContext.Default.ConverseResponse)!, call, "resp", 1, p => p + "_1");

        Assert.Equal([OutputItem.CodeInterpreterCall, OutputItem.Message], response.Output.Select(o => o.Type));
        var run = response.Output[0];
        Assert.Equal(("ci_1", "print(6*7)", status, logs), (run.Id, run.Code, run.Status, run.Outputs!.Single().Logs));
        Assert.Equal("It is 42.", response.Output[1].Content![0].Text);
        var wire = JsonSerializer.Serialize(response, OpenAiJsonContext.Wire.ResponseObject);
        Assert.Contains($$"""{"type":"code_interpreter_call","id":"ci_1","status":"{{status}}","code":"print(6*7)","outputs":[{"type":"logs","logs":""", wire, StringComparison.Ordinal);
    }

    [Fact]
    public void A_streamed_code_run_sends_its_code_then_interprets_then_completes()
    {
        var call = Responses("""{"model":"lite2","stream":true,"input":"six times seven","tools":[{"type":"code_interpreter"}]}""");
        var translator = new ResponsesStreamTranslator(call, "resp", 1, p => p + "_1");
        (string, string)[] stream =
        [
            ("messageStart", """{"role":"assistant"}"""),
            ("contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"c1","name":"nova_code_interpreter","type":"server_tool_use"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"code\":\"print("}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"6*7)\"}"}}}"""),
            ("contentBlockStop", """{"contentBlockIndex":0}"""),
            ("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolResult":{"toolUseId":"c1","type":"nova_code_interpreter_result","status":"success"}}}"""),
            ("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolResult":[{"text":"{\"stdOut\":\"42\\n\",\"stdErr\":\"\",\"exitCode\":0,\"isError\":false}"}]}}"""),
            ("contentBlockStop", """{"contentBlockIndex":1}"""),
            ("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"text":"It is 42."}}"""),
            ("contentBlockStop", """{"contentBlockIndex":2}"""),
            ("messageStop", """{"stopReason":"end_turn"}"""),
            ("metadata", """{"usage":{"inputTokens":5,"outputTokens":9,"totalTokens":14}}"""),
        ];
        var events = translator.Start().ToList();
        events.AddRange(stream.SelectMany(e => translator.Translate(Event(e.Item1, e.Item2))));
        events.Add(translator.Complete());

        Assert.Equal(
        [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.code_interpreter_call.in_progress", "response.code_interpreter_call_code.delta",
            "response.code_interpreter_call_code.done", "response.code_interpreter_call.interpreting", "response.code_interpreter_call.completed", "response.output_item.done",
            "response.output_item.added", "response.content_part.added", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        ], events.Select(e => e.Type));
        Assert.Equal("print(6*7)", events.Single(e => e.Type == "response.code_interpreter_call_code.done").Code);
        var done = events.First(e => e.Type == "response.output_item.done").Item!;
        Assert.Equal(("completed", "print(6*7)", "42\n"), (done.Status, done.Code, done.Outputs!.Single().Logs));
        Assert.Equal([OutputItem.CodeInterpreterCall, OutputItem.Message], events[^1].Response!.Output.Select(o => o.Type));
    }
}
