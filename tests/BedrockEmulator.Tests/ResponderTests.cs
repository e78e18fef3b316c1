using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

public class ResponderTests
{
    private static readonly ModelSpec Lite = ModelCatalog.Find("amazon.nova-lite-v1:0")!;

    /// <summary>A Converse request body read for <paramref name="model"/> (Nova Lite by default) and answered, as the
    /// local Bedrock answers it.</summary>
    internal static Reply Answer(string body, ModelSpec? model = null)
    {
        var request = ConverseRequestReader.Read(JsonNode.Parse(body), model ?? Lite);
        return Responder.Answer(request, model ?? Lite, Markers.Of(request));
    }

    private static string User(string text, string extra = "") => $$"""{"messages":[{"role":"user","content":[{"text":{{JsonValue.Create(text).ToJsonString()}}}]}]{{extra}}}""";

    private static string Text(Reply reply) => Assert.IsType<ReplyText>(Assert.Single(reply.Blocks)).Text;

    /// <summary>Prompt (and request extras) -> answer text, stop reason, input and output tokens.</summary>
    public static TheoryData<string, string, string, string, int, int> Answers => new()
    {
        { "hello there", "", "You said: hello there", "end_turn", 2, 5 },
        { "one two three four", ""","inferenceConfig":{"maxTokens":4}""", "You said: one", "max_tokens", 4, 4 },
        { "one two three four", ""","inferenceConfig":{"stopSequences":["three","two"]}""", "You said: one ", "stop_sequence", 4, 4 },
        { "[[tokens:10]] go", "", "alpha bravo charlie delta echo foxtrot golf hotel alpha bravo", "end_turn", 8, 10 },
        { "[[tokens:10]] go", ""","inferenceConfig":{"maxTokens":3}""", "alpha bravo charlie", "max_tokens", 8, 3 },
        { "[[stop:content_filtered]] x", "", "The generated text has been blocked by our content filters.", "content_filtered", 8, 11 },
        { "[[stop:guardrail_intervened]] x", "", "Sorry, the model cannot answer this question.", "guardrail_intervened", 8, 9 },
        { "hi", ""","system":[{"text":"Be kind."}]""", "You said: hi", "end_turn", 4, 4 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Answers_deterministically(string prompt, string extra, string text, string stopReason, int input, int output)
    {
        var reply = Answer(User(prompt, extra));

        Assert.Equal((text, stopReason, input, output), (Text(reply), reply.StopReason, reply.InputTokens, reply.OutputTokens));
    }

    private const string Tools =
        ""","toolConfig":{"tools":[""" +
        """{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"unit":{"enum":["c","f"]},"alerts":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string"}},"where":{"type":"object","properties":{"lat":{"type":"number"}},"required":["lat"]}},"required":["city","days","unit","alerts","tags","where"]}}}},""" +
        """{"toolSpec":{"name":"get_time","inputSchema":{"json":{"type":"object","properties":{"zone":{"type":"string"}}}}}}]""";

    /// <summary>The toolConfig member with an optional toolChoice (",\"toolChoice\":{...}").</summary>
    private static string ToolConfig(string choice = "") => Tools + choice + "}";

    [Fact]
    public void Calls_the_tool_the_prompt_names_with_arguments_from_its_schema()
    {
        var reply = Answer(User("please get_weather city=\"New York\" days=3 unit=f", ToolConfig()));

        var use = Assert.IsType<ReplyToolUse>(Assert.Single(reply.Blocks));
        Assert.Equal(("get_weather", "tool_use"), (use.Name, reply.StopReason));
        Assert.Equal("""{"city":"New York","days":3,"unit":"f","alerts":true,"tags":["example"],"where":{"lat":1.5}}""", use.Input.ToJsonString());
        Assert.StartsWith("tooluse_", use.ToolUseId);
    }

    [Theory]
    [InlineData("just chat", "", null)]
    [InlineData("just chat", ""","toolChoice":{"any":{}}""", "get_weather")]
    [InlineData("just chat", ""","toolChoice":{"tool":{"name":"get_time"}}""", "get_time")]
    [InlineData("use get_time", "", "get_time")]
    public void Chooses_a_tool_as_tool_choice_says(string prompt, string choice, string? tool)
    {
        var reply = Answer(User(prompt, ToolConfig(choice)));

        Assert.Equal(tool, reply.Blocks.OfType<ReplyToolUse>().SingleOrDefault()?.Name);
    }

    [Fact]
    public void Reports_tool_results_and_describes_images()
    {
        var afterTool = Answer("""
            {"messages":[{"role":"user","content":[{"text":"use get_time"}]},
              {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"get_time","input":{}}}]},
              {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"json":{"now":"12:00"}}]}}]}]
            """ + ToolConfig() + "}");
        var image = Answer("""{"messages":[{"role":"user","content":[{"text":"what?"},{"image":{"format":"jpeg","source":{"bytes":"AAECAw=="}}}]}]}""");

        Assert.Equal("""Tool results: get_time returned {"now":"12:00"}""", Text(afterTool));
        Assert.Equal("You said: what? I see 1 image: jpeg (4 bytes).", Text(image));
        Assert.Equal(2 + Responder.ImageTokens, image.InputTokens); // "what?" is two tokens
    }

    [Fact]
    public void Bills_redacted_reasoning_by_effort()
    {
        var nova2 = ModelCatalog.Find("amazon.nova-2-lite-v1:0")!;

        var reply = Answer(User("think", ""","additionalModelRequestFields":{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"medium"}}"""), nova2);

        Assert.Equal(new ReplyReasoning("[REDACTED]"), reply.Blocks[0]);
        Assert.Equal(64 + 4, reply.OutputTokens); // medium effort + "You said: think"
    }
}
