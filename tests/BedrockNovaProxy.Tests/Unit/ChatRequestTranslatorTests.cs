using BedrockNovaProxy.Translation;
using static BedrockNovaProxy.Tests.Unit.TranslatorFixtures;

namespace BedrockNovaProxy.Tests.Unit;

public class ChatRequestTranslatorTests
{
    /// <summary>Each case: an OpenAI request and the Converse request (or the parts of it) it must become.</summary>
    public static TheoryData<string, string, string, string> Translations => new()
    {
        {
            "string content, system and developer to system, defaults to the model's own max tokens",
            """{"model":"gpt-4o","messages":[{"role":"system","content":"Be terse."},{"role":"developer","content":[{"type":"text","text":"Use metric."}]},{"role":"user","content":"Hi"}]}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"system":[{"text":"Be terse."},{"text":"Use metric."}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "consecutive same-role turns merge",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]},{"role":"assistant","content":"c"},{"role":"assistant","content":"d"},{"role":"user","content":"e"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"a"},{"text":"b"}]},{"role":"assistant","content":[{"text":"c"},{"text":"d"}]},{"role":"user","content":[{"text":"e"}]}]"""
        },
        {
            "inference parameters, stop as a string",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"max_tokens":100,"temperature":0.5,"top_p":0.9,"stop":"END"}""",
            "inferenceConfig",
            """{"maxTokens":100,"temperature":0.5,"topP":0.9,"stopSequences":["END"]}"""
        },
        {
            "max_completion_tokens wins over max_tokens, stop as a list",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"max_tokens":100,"max_completion_tokens":200,"stop":["a","b"]}""",
            "inferenceConfig",
            """{"maxTokens":200,"stopSequences":["a","b"]}"""
        },
        {
            "fields OpenAI clients commonly send are ignored",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"user":"u1","seed":7,"metadata":{"a":"b"},"store":false,"n":1,"logprobs":false,"frequency_penalty":0,"presence_penalty":0,"parallel_tool_calls":true,"service_tier":"auto","stream_options":null}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "image parts become image blocks",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + Samples.PngBase64 + "\",\"detail\":\"low\"}}]}]}",
            "messages[0].content[1]",
            "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"" + Samples.PngBase64 + "\"}}}"
        },
        {
            "jpg and jpeg both map to jpeg",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpg;base64," + Samples.PngBase64 + "\"}}]}]}",
            "messages[0].content[0].image.format",
            "\"jpeg\""
        },
        {
            "tools with JSON Schema; Nova's unsupported top-level schema keys dropped",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"$schema":"http://json-schema.org/draft-07/schema#","title":"W","type":"object","properties":{"city":{"type":"string","description":"City"}},"required":["city"],"additionalProperties":false}}},{"type":"function","function":{"name":"now"}}]}""",
            "toolConfig",
            """{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string","description":"City"}},"required":["city"]}}}},{"toolSpec":{"name":"now","inputSchema":{"json":{"type":"object","properties":{}}}}}],"toolChoice":{"auto":{}}}"""
        },
        {
            "tool_choice required is any",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}""",
            "toolConfig.toolChoice",
            """{"any":{}}"""
        },
        {
            "tool_choice naming a function",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}}}""",
            "toolConfig.toolChoice",
            """{"tool":{"name":"f"}}"""
        },
        {
            "tool_choice none without tool history drops the tools",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5000}}"""
        },
        {
            "a tool round trip: tool calls to toolUse, tool results grouped into one user turn",
            """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},{"id":"call 2!","type":"function","function":{"name":"f","arguments":""}}]},{"role":"tool","tool_call_id":"call_1","content":"one"},{"role":"tool","tool_call_id":"call 2!","content":[{"type":"text","text":"two"}]},{"role":"user","content":"and?"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"x"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"call_1","name":"f","input":{"a":1}}},{"toolUse":{"toolUseId":"call_2_","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"one"}]}},{"toolResult":{"toolUseId":"call_2_","content":[{"text":"two"}]}},{"text":"and?"}]}]"""
        },
        {
            "tool_choice none with tool history keeps the tools and says not to call them",
            """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":""}]}""",
            "$",
            """{"messages":[{"role":"user","content":[{"text":"x"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"c","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"c","content":[{"text":"(no output)"}]}}]}],"system":[{"text":"Do not call any tool in this answer; reply in text."}],"inferenceConfig":{"maxTokens":5000},"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object","properties":{}}}}}],"toolChoice":{"auto":{}}}}"""
        },
        {
            "response_format json_schema is a forced tool",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}}""",
            "toolConfig",
            """{"tools":[{"toolSpec":{"name":"person","description":"Respond by calling this tool: its input is your whole answer, as JSON that matches the schema.","inputSchema":{"json":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}],"toolChoice":{"tool":{"name":"person"}}}"""
        },
        {
            "response_format with the client's own tools: the model must call one of them or the JSON tool",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"json_object"}}""",
            "toolConfig.toolChoice",
            """{"any":{}}"""
        },
        {
            "aliases, model ids and inference profiles all resolve",
            """{"model":"us.amazon.nova-pro-v1:0","messages":[{"role":"user","content":"x"}]}""",
            "inferenceConfig.maxTokens",
            "5000"
        },
        {
            "blank text parts are dropped rather than sent to Bedrock, which refuses them",
            """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":" "},{"type":"text","text":"x"}]},{"role":"assistant","content":""},{"role":"user","content":"y"}]}""",
            "messages",
            """[{"role":"user","content":[{"text":"x"},{"text":"y"}]}]"""
        },
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translates(string because, string request, string path, string expected) =>
        AssertAt(ConverseJson(Chat(request).Request), path, expected, because);

    [Theory]
    [InlineData("gpt-4o", "amazon.nova-pro-v1:0")]
    [InlineData("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0")]
    [InlineData("eu.amazon.nova-lite-v1:0", "eu.amazon.nova-lite-v1:0")]
    [InlineData("amazon.nova-2-lite-v1:0", "us.amazon.nova-2-lite-v1:0")]
    [InlineData("amazon.nova-premier-v1:0", "us.amazon.nova-premier-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0")]
    public void Resolves_the_model_to_call(string model, string bedrockId)
    {
        var call = Chat($$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(bedrockId, call.Model.BedrockModelId);
        Assert.Equal(model, call.Model.RequestedName);
    }

    [Fact]
    public void Streaming_flags_follow_stream_and_include_usage()
    {
        Assert.True(Chat("""{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""").IncludeUsage);
        Assert.False(Chat("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"x"}]}""").IncludeUsage);
        Assert.False(Chat("""{"model":"gpt-4o","stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""").Stream);
    }

    /// <summary>Each bad request: the exact status, param and code, and words the message must contain.</summary>
    public static TheoryData<string, int, string?, string?, string> Refusals => new()
    {
        { """{"messages":[{"role":"user","content":"x"}]}""", 400, "model", "missing_required_parameter", "You must provide a model parameter." },
        { """{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", 404, "model", "model_not_found", "The model `gpt-5` does not exist or you do not have access to it." },
        { """{"model":"text-embedding-3-small","messages":[{"role":"user","content":"x"}]}""", 400, "model", "model_not_supported", "is an embedding model" },
        { """{"model":"gpt-4o"}""", 400, "messages", "missing_required_parameter", "Missing required parameter: 'messages'." },
        { """{"model":"gpt-4o","messages":[]}""", 400, "messages", "empty_array", "empty array" },
        { """{"model":"gpt-4o","messages":[{"role":"system","content":"x"}]}""", 400, "messages", "invalid_value", "only system messages" },
        { """{"model":"gpt-4o","messages":[null]}""", 400, "messages[0]", "invalid_type", "expected an object, but got null" },
        { """{"model":"gpt-4o","messages":[{"content":"x"}]}""", 400, "messages[0].role", "missing_required_parameter", "messages[0].role" },
        { """{"model":"gpt-4o","messages":[{"role":"robot","content":"x"}]}""", 400, "messages[0].role", "invalid_value", "Invalid value: 'robot'" },
        { """{"model":"gpt-4o","messages":[{"role":"user"}]}""", 400, "messages[0].content", "missing_required_parameter", "messages[0].content" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":42}]}""", 400, "messages[0].content", "invalid_type", "expected one of a string or array of objects, but got a number instead" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":""}]}""", 400, "messages[0].content", "invalid_value", "the message is empty" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"video","video":{}}]}]}""", 400, "messages[0].content[0].type", "invalid_value", "Invalid value: 'video'" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text"}]}]}""", 400, "messages[0].content[0].text", "missing_required_parameter", "messages[0].content[0].text" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", 400, "messages[0].content[0].type", "unsupported_value", "Audio input" },
        { """{"model":"gpt-4o","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},{"role":"user","content":"x"}]}""", 400, "messages[0].content[0].type", "invalid_value", "Only 'text' content parts" },
        { """{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""", 400, "messages[0].content[0]", "unsupported_value", "Amazon Nova Micro does not accept image input" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""", 400, "messages[0].content[0].image_url.url", "unsupported_value", "does not fetch remote images" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AAAA"}}]}]}""", 400, "messages[0].content[0].image_url.url", "unsupported_value", "image/bmp" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}}]}]}""", 400, "messages[0].content[0].image_url.url", "invalid_value", "not valid base64" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", 400, "messages[0].content[0].image_url.url", "missing_required_parameter", "image_url.url" },
        { """{"model":"gpt-4o","messages":[{"role":"tool","content":"x"}]}""", 400, "messages[0].tool_call_id", "missing_required_parameter", "tool_call_id" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{nope"}}]}]}""", 400, "messages[1].tool_calls[0].function.arguments", "invalid_value", "not valid JSON" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", 400, "messages[1].tool_calls[0].function.arguments", "invalid_value", "expected a JSON object, but got an array" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]}""", 400, "messages[1].tool_calls[0].id", "missing_required_parameter", "tool_calls[0].id" },
        { """{"model":"gpt-4o","n":2,"messages":[{"role":"user","content":"x"}]}""", 400, "n", "unsupported_value", "one choice per request" },
        { """{"model":"gpt-4o","n":0,"messages":[{"role":"user","content":"x"}]}""", 400, "n", "integer_below_min_value", "Expected a value >= 1" },
        { """{"model":"gpt-4o","logprobs":true,"messages":[{"role":"user","content":"x"}]}""", 400, "logprobs", "unsupported_parameter", "log probabilities" },
        { """{"model":"gpt-4o","top_logprobs":3,"messages":[{"role":"user","content":"x"}]}""", 400, "top_logprobs", "unsupported_parameter", "log probabilities" },
        { """{"model":"gpt-4o","audio":{"voice":"alloy","format":"mp3"},"messages":[{"role":"user","content":"x"}]}""", 400, "audio", "unsupported_parameter", "Audio output" },
        { """{"model":"gpt-4o","modalities":["text","audio"],"messages":[{"role":"user","content":"x"}]}""", 400, "modalities", "unsupported_parameter", "Audio output" },
        { """{"model":"gpt-4o","presence_penalty":0.5,"messages":[{"role":"user","content":"x"}]}""", 400, "presence_penalty", "unsupported_parameter", "presence_penalty" },
        { """{"model":"gpt-4o","logit_bias":{"50256":-100},"messages":[{"role":"user","content":"x"}]}""", 400, "logit_bias", "unsupported_parameter", "logit_bias" },
        { """{"model":"gpt-4o","functions":[{"name":"f"}],"messages":[{"role":"user","content":"x"}]}""", 400, "functions", "unsupported_parameter", "use 'tools'" },
        { """{"model":"gpt-4o","temperature":1.5,"messages":[{"role":"user","content":"x"}]}""", 400, "temperature", "unsupported_value", "0 to 1" },
        { """{"model":"gpt-4o","temperature":-1,"messages":[{"role":"user","content":"x"}]}""", 400, "temperature", "invalid_value", "between 0 and 2" },
        { """{"model":"gpt-4o","top_p":1.5,"messages":[{"role":"user","content":"x"}]}""", 400, "top_p", "invalid_value", "between 0 and 1" },
        { """{"model":"gpt-4o","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", 400, "max_tokens", "integer_below_min_value", "Expected a value >= 1" },
        { """{"model":"gpt-4o","max_completion_tokens":9000,"messages":[{"role":"user","content":"x"}]}""", 400, "max_completion_tokens", "invalid_value", "supports at most 5000 completion tokens" },
        { """{"model":"gpt-4o","stop":5,"messages":[{"role":"user","content":"x"}]}""", 400, "stop", "invalid_type", "expected a string or an array of strings" },
        { """{"model":"gpt-4o","stop":[""],"messages":[{"role":"user","content":"x"}]}""", 400, "stop", "invalid_value", "must not be empty" },
        { """{"model":"gpt-4o","tools":[{"type":"code_interpreter"}],"messages":[{"role":"user","content":"x"}]}""", 400, "tools[0].type", "unsupported_value", "only 'function'" },
        { """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"bad name"}}],"messages":[{"role":"user","content":"x"}]}""", 400, "tools[0].function.name", "invalid_value", "does not match pattern" },
        { """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}""", 400, "tools[1].function.name", "invalid_value", "used twice" },
        { """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f","parameters":"nope"}}],"messages":[{"role":"user","content":"x"}]}""", 400, "tools[0].function.parameters", "invalid_type", "expected an object, but got a string" },
        { """{"model":"gpt-4o","tool_choice":"auto","messages":[{"role":"user","content":"x"}]}""", 400, "tool_choice", "invalid_value", "only allowed when 'tools' are specified" },
        { """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"always","messages":[{"role":"user","content":"x"}]}""", 400, "tool_choice", "invalid_value", "'always'" },
        { """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}},"messages":[{"role":"user","content":"x"}]}""", 400, "tool_choice.function.name", "invalid_value", "'g' is not one of the tools" },
        { """{"model":"gpt-4o","response_format":{"type":"yaml"},"messages":[{"role":"user","content":"x"}]}""", 400, "response_format.type", "invalid_value", "'yaml'" },
        { """{"model":"gpt-4o","response_format":{"type":"json_schema"},"messages":[{"role":"user","content":"x"}]}""", 400, "response_format.json_schema", "missing_required_parameter", "json_schema" },
        { """{"model":"gpt-4o","response_format":{"type":"json_schema","json_schema":{"name":"p"}},"messages":[{"role":"user","content":"x"}]}""", 400, "response_format.json_schema.schema", "invalid_value", "JSON Schema object" },
        { """{"model":"gpt-4o","response_format":{"type":"json_schema","json_schema":{"name":"f","schema":{"type":"object"}}},"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}""", 400, "response_format", "invalid_value", "also the name of a tool" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses(string request, int status, string? param, string? code, string message) =>
        AssertRefused(() => Chat(request), status, param, code, message);

    [Theory]
    [InlineData("call_abc", "call_abc")]
    [InlineData("tooluse_AbC.1:2-3", "tooluse_AbC.1:2-3")]
    [InlineData("id with spaces/and+signs", "id_with_spaces_and_signs")]
    public void Tool_call_ids_become_valid_tool_use_ids(string id, string expected) =>
        Assert.Equal(expected, ChatContent.ToolUseId(id));

    [Fact]
    public void Long_tool_call_ids_stay_unique_and_within_64_characters()
    {
        var a = ChatContent.ToolUseId(new string('a', 70) + "1");
        var b = ChatContent.ToolUseId(new string('a', 70) + "2");
        Assert.NotEqual(a, b);
        Assert.All([a, b], id => Assert.True(id.Length <= 64));
    }
}
