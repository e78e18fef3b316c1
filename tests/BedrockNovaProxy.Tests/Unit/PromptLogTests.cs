using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.Tests.Unit;

public class PromptLogRenderingTests
{
    private static ConverseRequest Request(string json) => JsonSerializer.Deserialize(json, BedrockJsonContext.Default.ConverseRequest)!;

    [Fact]
    public void Renders_messages_redacted_with_media_as_type_and_size_only()
    {
        var request = Request("""
            {"system":[{"text":"Be brief, admin@example.com"},{"cachePoint":{"type":"default"}}],
             "messages":[
               {"role":"user","content":[{"text":"key sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e"},{"image":{"format":"png","source":{"bytes":"AAAAAAAA"}}},
                 {"document":{"format":"pdf","name":"Q3 report","source":{"bytes":"AAAA"}}}]},
               {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{"email":"jane@example.org"}}}]},
               {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"card 4111 1111 1111 1111"}]}}]}]}
            """);

        var rendered = PromptLog.Messages(request, 1000);

        Assert.Equal(
            """[{"role":"system","content":[{"text":"Be brief, [REDACTED:email]"}]},"""
            + """{"role":"user","content":[{"text":"key [REDACTED:api_key]"},{"image":{"format":"png","bytes":6}},{"document":{"format":"pdf","name":"Q3 report","bytes":3}}]},"""
            + """{"role":"assistant","content":[{"tool_use":{"name":"lookup","input":"{\"email\":\"[REDACTED:email]\"}"}}]},"""
            + """{"role":"user","content":[{"tool_result":"card [REDACTED:card]"}]}]""",
            rendered);
        Assert.DoesNotContain("AAAA", rendered, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("0123456789abc", 10, "0123456789…[cut: 13 characters in all]")]
    [InlineData("mail jane@example.com", 8, "mail [RE…[cut: 21 characters in all]")]
    public void Cuts_long_texts_after_redacting_them(string text, int max, string expected) => Assert.Equal(expected, PromptLog.Clip(text, max));

    [Fact]
    public void Assembles_a_streamed_answer_from_its_chunks()
    {
        var answer = new PromptAnswer();
        ChatCompletionChunk Chunk(ChunkDelta delta, string? finish = null) =>
            new() { Id = "c", Created = 1, Model = "m", Choices = [new ChunkChoice { Delta = delta, FinishReason = finish }] };

        answer.Add(Chunk(new ChunkDelta { Role = "assistant", Content = "" }));
        answer.Add(Chunk(new ChunkDelta { ReasoningContent = "[REDACTED]" }));
        answer.Add(Chunk(new ChunkDelta { Content = "Calling " }));
        answer.Add(Chunk(new ChunkDelta { Content = "now." }));
        answer.Add(Chunk(new ChunkDelta { ToolCalls = [new ChunkToolCall { Index = 0, Id = "t", Function = new ChunkFunctionCall { Name = "get", Arguments = "" } }] }));
        answer.Add(Chunk(new ChunkDelta { ToolCalls = [new ChunkToolCall { Index = 0, Function = new ChunkFunctionCall { Arguments = "{\"to\":" } }] }));
        answer.Add(Chunk(new ChunkDelta { ToolCalls = [new ChunkToolCall { Index = 0, Function = new ChunkFunctionCall { Arguments = "\"a@b.io\"}" } }] }));
        answer.Add(Chunk(new ChunkDelta(), "tool_calls"));
        answer.Add(new ChatCompletionChunk { Id = "c", Created = 1, Model = "m", Choices = [] });

        Assert.Equal(
            """{"content":"Calling now.","reasoning":"[REDACTED]","tool_calls":[{"name":"get","arguments":"{\"to\":\"[REDACTED:email]\"}"}]}""",
            PromptLog.Answer(answer, 100));
        Assert.Equal("tool_calls", answer.FinishReason);
    }

    [Fact]
    public void Takes_a_completion_as_it_is()
    {
        var completion = new ChatCompletion
        {
            Id = "c", Created = 1, Model = "m",
            Choices = [new ChatChoice { Message = new AssistantMessage { Content = "Hi +44 20 7946 0958" }, FinishReason = "stop" }],
        };

        var answer = PromptAnswer.Of(completion);

        Assert.Equal(("""{"content":"Hi [REDACTED:phone]"}""", "stop"), (PromptLog.Answer(answer, 100), answer.FinishReason));
    }
}
