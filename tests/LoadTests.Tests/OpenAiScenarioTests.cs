using System.Net;
using System.Text;
using BedrockNovaProxy.LoadTests.Scenarios;

namespace BedrockNovaProxy.LoadTests.Tests;

/// <summary>The streamed chat step on recorded SSE bodies: what counts as a finished stream, an error and a chunk.</summary>
public class OpenAiScenarioTests
{
    private const string Role = """data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""" + "\n\n";

    private static string Content(string text) => $$$"""data: {"choices":[{"index":0,"delta":{"content":"{{{text}}}"}}]}""" + "\n\n";

    private sealed class Recorded(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") });
    }

    private static Task<Engine.StepResult> StreamAsync(string body)
    {
        var http = new HttpClient(new Recorded(body)) { BaseAddress = new Uri("http://127.0.0.1:1/") };
        return new OpenAiScenarios(http, "gpt-4o", "hi", null).ChatStreamAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Times_the_first_chunk_with_content_and_the_gaps_between_the_others()
    {
        var result = await StreamAsync(Role + Content("one") + ": a comment\n\n" + Content("two") + Content("three") + "data: [DONE]\n\n");

        Assert.True(result.Ok, result.Error);
        Assert.NotNull(result.TimeToFirstToken);
        Assert.Equal(2, result.Gaps!.Count);
    }

    [Theory]
    [InlineData("\n\n", "stream ended without [DONE]")]
    [InlineData("", "stream ended without [DONE]")]
    // An event is only complete at its blank line: a stream cut inside the last one did not finish.
    [InlineData("data: [DONE]", "stream ended without [DONE]")]
    [InlineData("""data: {"error":{"message":"Too many tokens","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""" + "\n\n", "stream error: rate_limit_exceeded")]
    public async Task A_stream_without_done_or_with_an_error_event_fails(string end, string error)
    {
        var result = await StreamAsync(Role + Content("one") + end);

        Assert.False(result.Ok);
        Assert.Equal((200, error), (result.StatusCode, result.Error));
    }
}
