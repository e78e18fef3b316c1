using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

public class ResponsesRequestTranslatorTests
{
    private const string Weather = """{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}""";

    /// <summary>Each case: a Responses request and the Converse request (or the part of it at a path) it must become.</summary>
    public static TheoryData<string, string, string, string> Translations => new()
    {
        {
            "a string input is one user message; instructions are the system prompt",
            """{"model":"gpt-4o","instructions":"Be terse.","input":"Hi"}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"system":[{"text":"Be terse."}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "message items with and without a type; system and developer messages join the system prompt",
            """{"model":"gpt-4o","input":[{"role":"system","content":"S"},{"type":"message","role":"developer","content":[{"type":"input_text","text":"D"}]},{"role":"user","content":[{"type":"input_text","text":"U"}]}]}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"U"}]}],"system":[{"text":"S"},{"text":"D"}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "multi-turn history: output_text messages replayed from an earlier response are the assistant's turns",
            """{"model":"gpt-4o","input":[{"role":"user","content":"a"},{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"b","annotations":[]}]},{"role":"user","content":"c"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"a"}]},{"role":"assistant","content":[{"text":"b"}]},{"role":"user","content":[{"text":"c"}]}]"""
        },
        {
            "input_image with a data URL is an image block",
            "{\"model\":\"gpt-4o-mini\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"What is this?\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64," + Samples.PngBase64 + "\",\"detail\":\"low\"}]}]}",
            "messages[0].content[1]",
            "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"" + Samples.PngBase64 + "\"}}}"
        },
        {
            "input_file with file_data and a filename is a document block",
            """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_file","filename":"Q3 report.pdf","file_data":"data:application/pdf;base64,JVBERi0="}]}]}""",
            "messages[0].content[0]",
            """{"document":{"format":"pdf","name":"Q3 report","source":{"bytes":"JVBERi0="}}}"""
        },
        {
            "a function tool round trip; the reasoning item replayed from the earlier response is left out",
            $$"""{"model":"gpt-4o","tools":[{{Weather}}],"input":[{"role":"user","content":"weather?"},{"type":"reasoning","id":"rs_1","summary":[]},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},{"type":"function_call_output","call_id":"call_1","output":"21C"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"weather?"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"call_1","name":"get_weather","input":{"city":"Paris"}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"21C"}]}}]}]"""
        },
        {
            "assistant text and its function calls make one assistant turn; their outputs one user turn, text parts kept",
            """{"model":"gpt-4o","tools":[{"type":"function","name":"f"}],"input":[{"role":"user","content":"x"},{"role":"assistant","content":"Let me check."},{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call","call_id":"c2","name":"f","arguments":""},{"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"one"}]},{"type":"function_call_output","call_id":"c2","output":"two"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"x"}]},{"role":"assistant","content":[{"text":"Let me check."},{"toolUse":{"toolUseId":"c1","name":"f","input":{}}},{"toolUse":{"toolUseId":"c2","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"c1","content":[{"text":"one"}]}},{"toolResult":{"toolUseId":"c2","content":[{"text":"two"}]}}]}]"""
        },
        {
            "flat function tools become tool specs",
            $$"""{"model":"gpt-4o","input":"x","tools":[{{Weather}}]}""",
            "toolConfig",
            """{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}],"toolChoice":{"auto":{}}}"""
        },
        {
            "tool_choice required is any",
            """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":"required"}""",
            "toolConfig.toolChoice",
            """{"any":{}}"""
        },
        {
            "tool_choice naming a function, in the Responses shape",
            """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"f"}}""",
            "toolConfig.toolChoice",
            """{"tool":{"name":"f"}}"""
        },
        {
            "tool_choice auto without tools asks for nothing",
            """{"model":"gpt-4o","input":"x","tools":[],"tool_choice":"auto"}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "tool_choice none drops the tools",
            """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":"none"}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "text.format json_schema is a forced tool, as response_format is",
            """{"model":"gpt-4o","input":"x","text":{"format":{"type":"json_schema","name":"person","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}}""",
            "toolConfig",
            """{"tools":[{"toolSpec":{"name":"person","description":"Respond by calling this tool: its input is your whole answer, as JSON that matches the schema.","inputSchema":{"json":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}],"toolChoice":{"tool":{"name":"person"}}}"""
        },
        {
            "text.format json_object",
            """{"model":"gpt-4o","input":"x","text":{"format":{"type":"json_object"}}}""",
            "toolConfig.toolChoice",
            """{"tool":{"name":"json_object"}}"""
        },
        {
            "text.format text is the default",
            """{"model":"gpt-4o","input":"x","text":{"format":{"type":"text"},"verbosity":"low"}}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "max_output_tokens, temperature and top_p",
            """{"model":"gpt-4o","input":"x","max_output_tokens":100,"temperature":0.5,"top_p":0.9}""",
            "inferenceConfig",
            """{"maxTokens":100,"temperature":0.5,"topP":0.9}"""
        },
        {
            "reasoning.effort drives Nova 2's reasoning; a summary request is accepted",
            """{"model":"us.amazon.nova-2-lite-v1:0","input":"x","reasoning":{"effort":"medium","summary":"auto"}}""",
            "additionalModelRequestFields",
            """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"medium"}}"""
        },
        {
            "fields clients send that Converse has no use for are accepted and change nothing",
            """{"model":"gpt-4o","input":"x","store":true,"metadata":{"team":"a"},"user":"u1","include":["reasoning.encrypted_content"],"parallel_tool_calls":false,"truncation":"auto","service_tier":"auto","prompt_cache_key":"k","safety_identifier":"s","stream_options":{"include_obfuscation":false},"previous_response_id":null,"conversation":null,"background":false,"prompt":null,"top_logprobs":0,"max_tool_calls":3}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translates(string because, string request, string path, string expected) =>
        AssertAt(ConverseJson(Responses(request).Chat.Request), path, expected, because);

    [Fact]
    public void Streams_always_ask_for_usage_because_response_completed_carries_it()
    {
        var streamed = Responses("""{"model":"gpt-4o","input":"x","stream":true}""").Chat;
        var whole = Responses("""{"model":"gpt-4o","input":"x"}""").Chat;

        Assert.Equal((true, true), (streamed.Stream, streamed.IncludeUsage));
        Assert.Equal((false, false), (whole.Stream, whole.IncludeUsage));
        Assert.Equal("gpt-4o", whole.Model.RequestedName);
    }

    [Fact]
    public void Echoes_what_the_response_object_repeats_of_the_request()
    {
        var echo = Responses($$$"""
            {"model":"gpt-4o","input":"x","instructions":"Be brief.","max_output_tokens":50,"temperature":0.2,"top_p":0.8,"parallel_tool_calls":false,
             "tools":[{{{Weather}}}],"tool_choice":{"type":"function","name":"get_weather"},"text":{"format":{"type":"json_schema","name":"p","schema":{"type":"object"},"strict":true}},
             "reasoning":{"summary":"auto"},"truncation":"auto","user":"u1","metadata":{"team":"a"},"store":true}
            """).Echo;

        Assert.Equal(("Be brief.", 50, 0.2, 0.8, false, "auto", "u1"), (echo.Instructions, echo.MaxOutputTokens, echo.Temperature, echo.TopP, echo.ParallelToolCalls, echo.Truncation, echo.User));
        Assert.Equal("""{"type":"function","name":"get_weather"}""", echo.ToolChoice.GetRawText());
        Assert.Equal("""{"format":{"type":"json_schema","name":"p","schema":{"type":"object"},"strict":true}}""", echo.Text.GetRawText());
        var tool = Assert.Single(echo.Tools);
        Assert.Equal(("get_weather", "Weather", true), (tool.Name, tool.Description, tool.Strict));
        Assert.Equal((null, "auto"), (echo.Reasoning.Effort, echo.Reasoning.Summary));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a" }, echo.Metadata);
    }

    [Fact]
    public void Echoes_openai_defaults_when_the_request_leaves_them_out()
    {
        var echo = Responses("""{"model":"gpt-4o","input":"x"}""").Echo;

        Assert.Equal((null, null, null, null, true, "disabled", null), (echo.Instructions, echo.MaxOutputTokens, echo.Temperature, echo.TopP, echo.ParallelToolCalls, echo.Truncation, echo.User));
        Assert.Equal("\"auto\"", echo.ToolChoice.GetRawText());
        Assert.Equal("""{"format":{"type":"text"}}""", echo.Text.GetRawText());
        Assert.Empty(echo.Tools);
        Assert.Empty(echo.Metadata);
    }

    /// <summary>Each bad request: the exact status, param and code, and words the message must contain. Errors the chat
    /// translator finds come back in the Responses request's own names.</summary>
    public static TheoryData<string, int, string?, string?, string> Refusals => new()
    {
        // The request as a whole, and what needs state.
        { """{"input":"x"}""", 400, "model", "missing_required_parameter", "You must provide a model parameter." },
        { """{"model":"gpt-5","input":"x"}""", 404, "model", "model_not_found", "The model `gpt-5` does not exist or you do not have access to it." },
        { """{"model":"text-embedding-3-small","input":"x"}""", 400, "model", "model_not_supported", "use it with /v1/embeddings, not /v1/responses" },
        { """{"model":"gpt-4o","input":"x","previous_response_id":"resp_1"}""", 400, "previous_response_id", "unsupported_parameter", "Resend the conversation in 'input'" },
        { """{"model":"gpt-4o","input":"x","conversation":"conv_1"}""", 400, "conversation", "unsupported_parameter", "stores no conversations" },
        { """{"model":"gpt-4o","input":"x","conversation":{"id":"conv_1"}}""", 400, "conversation", "unsupported_parameter", "stateless" },
        { """{"model":"gpt-4o","input":"x","background":true}""", 400, "background", "unsupported_parameter", "background is not supported" },
        { """{"model":"gpt-4o","input":"x","prompt":{"id":"pmpt_1"}}""", 400, "prompt", "unsupported_parameter", "stored prompt template" },
        { """{"model":"gpt-4o","input":"x","top_logprobs":2}""", 400, "top_logprobs", "unsupported_parameter", "log probabilities" },
        { """{"model":"gpt-4o","input":"x","truncation":"sometimes"}""", 400, "truncation", "invalid_value", "Invalid value: 'sometimes'" },
        { """{"model":"gpt-4o","input":"x","metadata":"x"}""", 400, "metadata", "invalid_type", "expected an object, but got a string" },
        { """{"model":"gpt-4o","input":"x","metadata":{"a":1}}""", 400, "metadata.a", "invalid_type", "expected a string, but got a number" },
        { """{"model":"gpt-4o","input":"x","metadata":{"a":"b","c":"d","e":"f","g":"h","i":"j","k":"l","m":"n","o":"p","q":"r","s":"t","u":"v","w":"x","y":"z","aa":"b","bb":"c","cc":"d","dd":"e"}}""", 400, "metadata", "invalid_value", "at most 16 key-value pairs" },
        // Types System.Text.Json refuses, named by the body reader.
        { """{"model":"gpt-4o","input":"x","instructions":5}""", 400, "instructions", "invalid_type", "Invalid type for 'instructions': expected a string, but got an integer instead." },
        { """{"model":"gpt-4o","input":"x","reasoning":"high"}""", 400, "reasoning", "invalid_type", "expected an object, but got a string" },
        { """{"model":"gpt-4o","input":"x","max_output_tokens":"many"}""", 400, "max_output_tokens", "invalid_type", "expected an integer" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":5}]}""", 400, "tools[0].name", "invalid_type", "expected a string" },
        // input and its items.
        { """{"model":"gpt-4o"}""", 400, "input", "missing_required_parameter", "Missing required parameter: 'input'." },
        { """{"model":"gpt-4o","input":7}""", 400, "input", "invalid_type", "expected one of a string or array of input items, but got a number instead" },
        { """{"model":"gpt-4o","input":[]}""", 400, "input", "empty_array", "empty array" },
        { """{"model":"gpt-4o","input":""}""", 400, "input", "invalid_value", "Invalid 'input': the message is empty." },
        { """{"model":"gpt-4o","input":[5]}""", 400, "input[0]", "invalid_type", "expected an object, but got a number" },
        { """{"model":"gpt-4o","input":[{"content":"x"}]}""", 400, "input[0].type", "missing_required_parameter", "'input[0].type'" },
        { """{"model":"gpt-4o","input":[{"type":7}]}""", 400, "input[0].type", "invalid_type", "expected a string" },
        { """{"model":"gpt-4o","input":[{"type":"message","content":"x"}]}""", 400, "input[0].role", "missing_required_parameter", "'input[0].role'" },
        { """{"model":"gpt-4o","input":[{"role":"robot","content":"x"}]}""", 400, "input[0].role", "invalid_value", "Invalid value: 'robot'" },
        { """{"model":"gpt-4o","input":[{"role":"user"}]}""", 400, "input[0].content", "missing_required_parameter", "'input[0].content'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":7}]}""", 400, "input[0].content", "invalid_type", "expected one of a string or array of content parts" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":""}]}""", 400, "input[0].content", "invalid_value", "Invalid 'input[0].content': the message is empty." },
        { """{"model":"gpt-4o","input":[{"role":"system","content":"x"}]}""", 400, "input", "invalid_value", "only system messages" },
        { """{"model":"gpt-4o","instructions":"x","input":[{"type":"reasoning","summary":[]}]}""", 400, "input", "invalid_value", "only system messages" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[7]}]}""", 400, "input[0].content[0]", "invalid_type", "expected an object" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"text":"x"}]}]}""", 400, "input[0].content[0].type", "missing_required_parameter", "'input[0].content[0].type'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"output_text","text":"x"}]}]}""", 400, "input[0].content[0].type", "invalid_value", "Supported values in user messages are: 'input_text', 'input_image', 'input_file'." },
        { """{"model":"gpt-4o","input":[{"role":"assistant","content":[{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}]}""", 400, "input[0].content[0].type", "invalid_value", "in assistant messages" },
        { """{"model":"gpt-4o","input":[{"role":"system","content":[{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]},{"role":"user","content":"x"}]}""", 400, "input[0].content[0].type", "invalid_value", "in system messages are: 'input_text'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", 400, "input[0].content[0].type", "unsupported_value", "Audio input" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text"}]}]}""", 400, "input[0].content[0].text", "missing_required_parameter", "Missing required parameter: 'input[0].content[0].text'." },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text","text":5}]}]}""", 400, "input[0].content[0].text", "invalid_type", "Invalid type for 'input[0].content[0].text'" },
        // Images and files: the shared rules, in Responses names.
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,@@@"}]}]}""", 400, "input[0].content[0].image_url", "invalid_value", "Invalid 'input[0].content[0].image_url': the image data is not valid base64." },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://example.com/cat.png"}]}]}""", 400, "input[0].content[0].image_url", "unsupported_value", "does not fetch remote images" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/bmp;base64,AAAA"}]}]}""", 400, "input[0].content[0].image_url", "unsupported_value", "image/bmp" },
        { """{"model":"gpt-3.5-turbo","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}]}""", 400, "input[0].content[0]", "unsupported_value", "Amazon Nova Micro does not accept image input" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", 400, "input[0].content[0].file_id", "unsupported_value", "Uploaded files (file_id) are not supported" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","detail":"low"}]}]}""", 400, "input[0].content[0].image_url", "missing_required_parameter", "'input[0].content[0].image_url'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":{"url":"x"}}]}]}""", 400, "input[0].content[0].image_url", "invalid_type", "expected a string, but got an object" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_file","file_url":"https://example.com/a.pdf"}]}]}""", 400, "input[0].content[0].file_url", "unsupported_value", "send the document inline as file_data" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_file","filename":"a.pdf"}]}]}""", 400, "input[0].content[0].file_data", "missing_required_parameter", "'input[0].content[0].file_data'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_file","filename":"a.pdf","file_data":"not a data url"}]}]}""", 400, "input[0].content[0].file_data", "invalid_value", "Invalid 'input[0].content[0].file_data': expected a base64 data URL" },
        { """{"model":"gpt-3.5-turbo","input":[{"role":"user","content":[{"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}]}]}""", 400, "input[0].content[0]", "unsupported_value", "does not read documents" },
        // Function calls and their outputs.
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call","name":"f","arguments":"{}"}]}""", 400, "input[1].call_id", "missing_required_parameter", "'input[1].call_id'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"c","name":"f"}]}""", 400, "input[1].arguments", "missing_required_parameter", "'input[1].arguments'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"","name":"f","arguments":"{}"}]}""", 400, "input[1].call_id", "missing_required_parameter", "Missing required parameter: 'input[1].call_id'." },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"c","name":"f","arguments":"{nope"}]}""", 400, "input[1].arguments", "invalid_value", "Invalid 'input[1].arguments': not valid JSON." },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"c","name":"bad name","arguments":"{}"}]}""", 400, "input[1].name", "invalid_value", "Invalid 'input[1].name': string does not match pattern" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call_output","output":"x"}]}""", 400, "input[1].call_id", "missing_required_parameter", "'input[1].call_id'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c"}]}""", 400, "input[1].output", "missing_required_parameter", "'input[1].output'" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c","output":{"a":1}}]}""", 400, "input[1].output", "invalid_type", "expected one of a string or array of content parts" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}]}""", 400, "input[1].output[0].type", "unsupported_value", "send the tool's output as text" },
        { """{"model":"gpt-4o","input":[{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c","output":[{"type":"input_text","text":7}]}]}""", 400, "input[1].output[0].text", "invalid_type", "Invalid type for 'input[1].output[0].text'" },
        { """{"model":"gpt-4o","input":[{"type":"item_reference","id":"msg_1"}]}""", 400, "input[0].type", "unsupported_value", "stores no items" },
        { """{"model":"gpt-4o","input":[{"type":"file_search_call","id":"fs_1","status":"completed","queries":[]}]}""", 400, "input[0].type", "invalid_value", "Invalid value: 'file_search_call'" },
        // A replayed web search is accepted and left out; with nothing else the input is empty.
        { """{"model":"gpt-4o","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]}""", 400, "input", "empty_array", "" },
        // Tools and tool_choice.
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", 400, "tools[0].type", "unsupported_value", "only 'function' tools are" },
        // Nova Pro runs no web grounding (Nova 2 Lite does: BuiltInToolsTests).
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"web_search"}]}""", 400, "tools[0]", "unsupported_value", "The model `gpt-4o` cannot search the web" },
        { """{"model":"gpt-4o","input":"x","tools":[{"name":"f"}]}""", 400, "tools[0].type", "missing_required_parameter", "'tools[0].type'" },
        { """{"model":"gpt-4o","input":"x","tools":[null]}""", 400, "tools[0]", "invalid_type", "expected an object, but got null" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function"}]}""", 400, "tools[0].name", "missing_required_parameter", "Missing required parameter: 'tools[0].name'." },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"bad name"}]}""", 400, "tools[0].name", "invalid_value", "Invalid 'tools[0].name'" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"},{"type":"function","name":"f"}]}""", 400, "tools[1].name", "invalid_value", "used twice" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f","parameters":"nope"}]}""", 400, "tools[0].parameters", "invalid_type", "Invalid type for 'tools[0].parameters': expected an object, but got a string" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"}}""", 400, "tool_choice.name", "invalid_value", "'g' is not one of the tools" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function"}}""", 400, "tool_choice.name", "missing_required_parameter", "'tool_choice.name'" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"name":"f"}}""", 400, "tool_choice.type", "missing_required_parameter", "'tool_choice.type'" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"web_search_preview"}}""", 400, "tool_choice.type", "unsupported_value", "built-in tool" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"allowed_tools","mode":"auto","tools":[]}}""", 400, "tool_choice.type", "unsupported_value", "allowed_tools" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":"always"}""", 400, "tool_choice", "invalid_value", "Invalid value: 'always'" },
        { """{"model":"gpt-4o","input":"x","tool_choice":"required"}""", 400, "tool_choice", "invalid_value", "only allowed when 'tools' are specified" },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":5}""", 400, "tool_choice", "invalid_type", "expected a string or an object, but got a number" },
        // text.format.
        { """{"model":"gpt-4o","input":"x","text":{"format":{}}}""", 400, "text.format.type", "missing_required_parameter", "'text.format.type'" },
        { """{"model":"gpt-4o","input":"x","text":{"format":{"type":"yaml"}}}""", 400, "text.format.type", "invalid_value", "Invalid value: 'yaml'" },
        { """{"model":"gpt-4o","input":"x","text":{"format":{"type":"json_schema","schema":{"type":"object"}}}}""", 400, "text.format.name", "missing_required_parameter", "Missing required parameter: 'text.format.name'." },
        { """{"model":"gpt-4o","input":"x","text":{"format":{"type":"json_schema","name":"p"}}}""", 400, "text.format.schema", "invalid_value", "Invalid 'text.format.schema': expected a JSON Schema object." },
        { """{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f"}],"text":{"format":{"type":"json_schema","name":"f","schema":{"type":"object"}}}}""", 400, "text.format", "invalid_value", "The text.format name 'f' is also the name of a tool" },
        // Sampling, length and reasoning: the shared limits, in Responses names.
        { """{"model":"gpt-4o","input":"x","max_output_tokens":0}""", 400, "max_output_tokens", "integer_below_min_value", "Invalid 'max_output_tokens': integer below minimum value." },
        { """{"model":"gpt-4o","input":"x","max_output_tokens":9000}""", 400, "max_output_tokens", "invalid_value", "max_output_tokens is too large: 9000" },
        { """{"model":"gpt-4o","input":"x","temperature":1.5}""", 400, "temperature", "unsupported_value", "0 to 1" },
        { """{"model":"gpt-4o","input":"x","top_p":1.5}""", 400, "top_p", "invalid_value", "between 0 and 1" },
        { """{"model":"gpt-4o","input":"x","reasoning":{"effort":"low"}}""", 400, "reasoning.effort", "unsupported_parameter", "reasoning.effort is not supported with this model: Amazon Nova Pro does not reason." },
        { """{"model":"us.amazon.nova-2-lite-v1:0","input":"x","reasoning":{"effort":"extreme"}}""", 400, "reasoning.effort", "invalid_value", "Invalid value: 'extreme'" },
        { """{"model":"us.amazon.nova-2-lite-v1:0","input":"x","reasoning":{"effort":"high"},"max_output_tokens":500}""", 400, "max_output_tokens", "unsupported_value", "max_output_tokens cannot be combined with reasoning.effort 'high'" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses(string request, int status, string? param, string? code, string message) =>
        Assert.DoesNotContain("messages[", AssertRefused(() => Responses(request), status, param, code, message).Message);

    [Theory]
    [InlineData("messages[3]", "input[2]")]
    [InlineData("messages[3].content[0].text", "input[2].content[0].text")]
    [InlineData("messages[3].content[1].image_url.url", "input[2].content[1].image_url")]
    [InlineData("messages[3].content[1].image_url", "input[2].content[1].image_url")]
    [InlineData("messages[30]", "input[30]")]
    [InlineData("response_format.json_schema.name", "text.format.name")]
    [InlineData("temperature", "temperature")]
    public void Names_map_by_longest_prefix_on_segment_boundaries(string chat, string expected)
    {
        var names = new ErrorNames();
        names.Add("messages", "input");
        names.Add("messages[3]", "input[2]");
        names.Add("messages[3].content[1].image_url.url", "input[2].content[1].image_url");
        names.Add("response_format.json_schema", "text.format");

        Assert.Equal(expected, names.Param(chat));
    }

    [Fact]
    public void Renames_quoted_fields_and_chat_only_words_but_not_plain_words()
    {
        var names = new ErrorNames();
        names.Add("messages", "input");
        names.Add("messages[1]", "input[0]");

        var error = names.Rename(OpenAiError.Invalid("Invalid 'messages[1].content': the messages hold only 'messages'; use max_completion_tokens.", "messages[1].content"));

        Assert.Equal("Invalid 'input[0].content': the messages hold only 'input'; use max_output_tokens.", error.Message);
        Assert.Equal("input[0].content", error.Param);
    }
}
