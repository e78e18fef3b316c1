using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

public class ConverseRequestReaderTests
{
    private static readonly ModelSpec Lite = ModelCatalog.Find("amazon.nova-lite-v1:0")!;
    private const string Hi = """{"role":"user","content":[{"text":"hi"}]}""";
    private const string Tool = """{"toolSpec":{"name":"lookup","inputSchema":{"json":{"type":"object","properties":{"q":{"type":"string"}}}}}}""";

    private static string B(string template) => template.Replace("@HI", Hi, StringComparison.Ordinal).Replace("@TOOL", Tool, StringComparison.Ordinal);

    /// <summary>Invalid Converse bodies and the exact ValidationException message Bedrock gives (or the emulator's
    /// closest wording where AWS's is not published; see docs/emulators.md).</summary>
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "micro", """{"messages":[]}""", "A conversation must start with a user message. Try again with a conversation that starts with a user message." },
        { "lite", """{"messages":[{"role":"assistant","content":[{"text":"hi"}]}]}""", "A conversation must start with a user message. Try again with a conversation that starts with a user message." },
        { "lite", B("""{"messages":[@HI,@HI]}"""), "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again." },
        { "lite", """{"messages":[{"role":"user","content":[]}]}""", "The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again." },
        { "lite", """{"messages":[{"role":"user","content":[{"text":"  "}]}]}""", "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again." },
        { "lite", """{"messages":[{"role":"robot","content":[{"text":"x"}]}]}""", "1 validation error detected: Value 'robot' at 'messages.0.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]" },
        { "lite", B("""{"messages":[@HI],"inferenceConfig":{"temperature":1.5}}"""), "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1" },
        { "lite", B("""{"messages":[@HI],"inferenceConfig":{"topP":-0.1}}"""), "1 validation error detected: Value '-0.1' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value greater than or equal to 0" },
        { "lite", B("""{"messages":[@HI],"inferenceConfig":{"maxTokens":0}}"""), "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1" },
        { "lite", B("""{"messages":[@HI],"inferenceConfig":{"maxTokens":5001}}"""), "The maximum tokens you requested exceeds the model limit of 5000. Try again with a maximum tokens value that is lower than 5000." },
        { "lite", B("""{"messages":[@HI],"inferenceConfig":{"maxTokens":"ten"}}"""), "Malformed input request: inferenceConfig.maxTokens must be a number, please reformat your input and try again." },
        { "lite", """{"messages":[{"role":"user","content":[{"text":"a","image":{"format":"png","source":{"bytes":"AA=="}}}]}]}""", "The ContentBlock object at messages.0.content.0 must have exactly one member set; it has text, image." },
        { "lite", """{"messages":[{"role":"user","content":[{"image":{"format":"bmp","source":{"bytes":"AA=="}}}]}]}""", "1 validation error detected: Value 'bmp' at 'messages.0.content.0.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]" },
        { "micro", """{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":"AA=="}}}]}]}""", "This model doesn't support the image content block that you provided. Try again with a supported content block. (amazon.nova-micro-v1:0 accepts text only.)" },
        { "lite", """{"messages":[{"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"x"}]}}]}]}""", "The toolConfig field must be defined when using toolUse and toolResult content blocks." },
        { "lite", B("""{"messages":[@HI,{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"t2","content":[{"text":"x"}]}}]}],"toolConfig":{"tools":[@TOOL]}}"""), "The toolUseId t2 in the toolResult block at messages.2 does not match any toolUse block of the previous turn." },
        { "lite", B("""{"messages":[@HI,{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"x"}]}},{"toolResult":{"toolUseId":"t1","content":[{"text":"y"}]}}]}],"toolConfig":{"tools":[@TOOL]}}"""), "The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn." },
        { "lite", B("""{"messages":[@HI],"toolConfig":{"tools":[]}}"""), "1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1" },
        { "lite", B("""{"messages":[@HI],"toolConfig":{"tools":[@TOOL],"toolChoice":{"tool":{"name":"other"}}}}"""), "The tool other named in toolChoice is not one of the tools in toolConfig." },
        { "lite", B("""{"messages":[@HI],"toolConfig":{"tools":[{"toolSpec":{"name":"bad name","inputSchema":{"json":{"type":"object"}}}}]}}"""), "1 validation error detected: Value 'bad name' at 'toolConfig.tools.0.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+" },
        { "lite", B("""{"messages":[@HI],"additionalModelRequestFields":{"reasoningConfig":{"type":"enabled"}}}"""), "The model returned the following errors: Malformed input request: extraneous key [reasoningConfig] is not permitted, please reformat your input and try again." },
        { "nova2", B("""{"messages":[@HI],"inferenceConfig":{"temperature":0.5},"additionalModelRequestFields":{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"high"}}}"""), "The model returned the following errors: Malformed input request: maxTokens, temperature and topP must not be set when maxReasoningEffort is high, please reformat your input and try again." },
        { "nova2", B("""{"messages":[@HI],"additionalModelRequestFields":{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"extreme"}}}"""), "The model returned the following errors: Malformed input request: #/reasoningConfig/maxReasoningEffort: extreme is not a valid enum value, please reformat your input and try again." },
        { "nova2", B("""{"messages":[@HI],"serviceTier":{"type":"turbo"}}"""), "1 validation error detected: Value 'turbo' at 'serviceTier.type' failed to satisfy constraint: Member must satisfy enum value set: [priority, default, flex, reserved]" },
        { "nova2", B("""{"messages":[@HI],"serviceTier":{"type":"reserved"}}"""), "Reservation not found." },
        { "micro", B("""{"messages":[@HI],"serviceTier":{"type":"flex"}}"""), "The provided service tier (flex) is not supported for this model." },
        { "lite", B("""{"messages":[@HI],"serviceTier":{"type":"priority"}}"""), "The provided service tier (priority) is not supported for this model." },
        { "nova2", B("""{"messages":[@HI],"serviceTier":"flex"}"""), "Malformed input request: serviceTier must be an object, please reformat your input and try again." },
        { "lite", B("""{"messages":[@HI],"toolConfig":{"tools":[{"systemTool":{"name":"nova_grounding"}}]}}"""), "The system tool nova_grounding is not supported for this model." },
        { "nova2", B("""{"messages":[@HI],"toolConfig":{"tools":[{"systemTool":{"name":"web_browser"}}]}}"""), "The system tool web_browser is not supported for this model." },
        { "nova2", B("""{"messages":[@HI],"toolConfig":{"tools":[{"systemTool":{"name":"bad name"}}]}}"""), "1 validation error detected: Value 'bad name' at 'toolConfig.tools.0.member.systemTool.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+" },
    };

    [Theory]
    [InlineData("amazon.nova-2-lite-v1:0", """{"type":"flex"}""", "flex")]
    [InlineData("amazon.nova-2-lite-v1:0", """{"type":"priority"}""", "priority")]
    [InlineData("amazon.nova-micro-v1:0", """{"type":"default"}""", "default")]
    [InlineData("amazon.nova-pro-v1:0", """{"type":"flex"}""", "flex")]
    public void Reads_the_service_tier_a_model_is_offered_in(string model, string tier, string expected) =>
        Assert.Equal(expected, ConverseRequestReader.Read(JsonNode.Parse(B($$"""{"messages":[@HI],"serviceTier":{{tier}}}""")), ModelCatalog.Find(model)!).ServiceTier);

    [Theory]
    [InlineData(null, 1000, 40.0, 1000, 40.0)]
    [InlineData("default", 1000, 40.0, 1000, 40.0)]
    [InlineData("priority", 1000, 40.0, 800, 50.0)]
    [InlineData("flex", 1000, 40.0, 2000, 20.0)]
    [InlineData("flex", 0, 0.0, 0, 0.0)]
    public void Models_the_latency_of_each_tier(string? tier, int ttftMs, double tps, int expectedTtftMs, double expectedTps)
    {
        var (ttft, rate) = Conversation.TierLatency.For(tier, TimeSpan.FromMilliseconds(ttftMs), tps);
        Assert.Equal((TimeSpan.FromMilliseconds(expectedTtftMs), expectedTps), (ttft, rate));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_like_Bedrock(string model, string body, string message)
    {
        var spec = ModelCatalog.Find(model switch { "micro" => "amazon.nova-micro-v1:0", "nova2" => "amazon.nova-2-lite-v1:0", _ => Lite.Id })!;

        var error = Assert.Throws<BedrockErrorException>(() => ConverseRequestReader.Read(JsonNode.Parse(body), spec));

        Assert.Equal(("ValidationException", message), (error.Error.Type, error.Error.Message));
    }

    [Fact]
    public void Reads_a_full_request()
    {
        var body = B("""
            {"messages":[{"role":"user","content":[{"text":"look"},{"image":{"format":"png","source":{"bytes":"AAEC"}}}]},
                         {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{"q":"x"}}}]},
                         {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"json":{"a":1}},{"text":"ok"}]}}]}],
             "system":[{"text":"Be terse."},{"cachePoint":{"type":"default"}}],
             "inferenceConfig":{"maxTokens":100,"temperature":0.2,"topP":0.9,"stopSequences":["END"]},
             "toolConfig":{"tools":[@TOOL],"toolChoice":{"any":{}}},
             "additionalModelRequestFields":{"inferenceConfig":{"topK":20}}}
            """);

        var request = ConverseRequestReader.Read(JsonNode.Parse(body), Lite);

        Assert.Equal(["user", "assistant", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal(new ImageBlock("png", 3), request.Messages[0].Content[1]);
        Assert.Equal(new ToolResultBlock("t1", "{\"a\":1}\nok", "success"), request.Messages[2].Content[0]);
        Assert.Equal(["Be terse."], request.System);
        Assert.Equal((100, 0.2, 0.9), (request.Inference.MaxTokens, request.Inference.Temperature, request.Inference.TopP));
        Assert.Equal(["END"], request.Inference.StopSequences);
        Assert.Equal(ToolChoiceKind.Any, request.Choice.Kind);
        Assert.Equal("lookup", Assert.Single(request.Tools).Name);
    }
}
