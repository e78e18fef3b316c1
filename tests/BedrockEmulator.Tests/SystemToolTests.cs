using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>The local Nova 2 Lite's system tools in Bedrock's wire shapes: a grounded answer as text then a
/// citationsContent block (streamed: its text deltas, then a citation delta); a code run as a server_tool_use tool use
/// and its nova_code_interpreter_result (streamed: start, input fragments, stop; start, a toolResult list, stop).</summary>
public class SystemToolTests
{
    private static readonly ModelSpec Lite2 = ModelCatalog.Find("amazon.nova-2-lite-v1:0")!;

    private static Reply Answer(string prompt, string tool) => ResponderTests.Answer(
        $$$"""{"messages":[{"role":"user","content":[{"text":"{{{prompt}}}"}]}],"toolConfig":{"tools":[{"systemTool":{"name":"{{{tool}}}"}}]}}""", Lite2);

    [Fact]
    public void A_grounded_answer_cites_its_page_in_a_citations_content_block()
    {
        var response = ConverseResponses.Response(Answer("tide tables", "nova_grounding"), 5);

        Assert.Equal("""
            [{"text":"From the web: "},{"citationsContent":{"content":[{"text":"tide tables is explained on docs.example.com."}],"citations":[{"title":"About tide tables","location":{"web":{"url":"https://docs.example.com/search/tide-tables","domain":"docs.example.com"}}}]}}]
            """.Trim(), response["output"]!["message"]!["content"]!.ToJsonString());
        Assert.Equal("end_turn", response["stopReason"]!.GetValue<string>());
    }

    [Fact]
    public void A_grounded_stream_sends_the_cited_text_then_its_citation()
    {
        var events = ConverseResponses.Events(Answer("tides", "nova_grounding"), 5).ToList();
        var cited = events.Where(e => e.Type == "contentBlockDelta" && e.Payload["contentBlockIndex"]!.GetValue<int>() == 1).ToList();

        Assert.Equal("tides is explained on docs.example.com.", string.Concat(cited.Select(e => e.Payload["delta"]!["text"]?.GetValue<string>())));
        Assert.Equal("""{"citation":{"title":"About tides","location":{"web":{"url":"https://docs.example.com/search/tides","domain":"docs.example.com"}}}}""",
            cited[^1].Payload["delta"]!.ToJsonString());
    }

    [Theory]
    [InlineData("six times seven", "success", """{"stdOut":"six times seven\n","stdErr":"","exitCode":0,"isError":false}""")]
    [InlineData("raise it", "error", """{"stdOut":"","stdErr":"Traceback (most recent call last):\nRuntimeError: raised on request\n","exitCode":1,"isError":true}""")]
    public void A_code_run_is_a_server_tool_use_and_its_result(string prompt, string status, string result)
    {
        var content = ConverseResponses.Response(Answer(prompt, "nova_code_interpreter"), 5)["output"]!["message"]!["content"]!.AsArray();
        var use = content[0]!["toolUse"]!;
        var outcome = content[1]!["toolResult"]!;

        Assert.Equal(("nova_code_interpreter", "server_tool_use", $"print(\"{prompt}\")"), (use["name"]!.GetValue<string>(), use["type"]!.GetValue<string>(), use["input"]!["code"]!.GetValue<string>()));
        Assert.Equal((use["toolUseId"]!.GetValue<string>(), "nova_code_interpreter_result", status), (outcome["toolUseId"]!.GetValue<string>(), outcome["type"]!.GetValue<string>(), outcome["status"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), JsonNode.Parse(outcome["content"]![0]!["text"]!.GetValue<string>())));
    }

    [Fact]
    public void A_streamed_code_run_starts_its_tool_use_and_its_result()
    {
        var events = ConverseResponses.Events(Answer("six", "nova_code_interpreter"), 5).ToList();
        var starts = events.Where(e => e.Type == "contentBlockStart").Select(e => e.Payload["start"]!.ToJsonString()).ToList();

        Assert.Equal(2, starts.Count);
        Assert.Contains("\"type\":\"server_tool_use\"", starts[0], StringComparison.Ordinal);
        Assert.Contains("\"toolResult\":{", starts[1], StringComparison.Ordinal);
        var result = events.Single(e => e.Type == "contentBlockDelta" && e.Payload["delta"]!["toolResult"] is not null);
        Assert.Contains("stdOut", result.Payload["delta"]!["toolResult"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
