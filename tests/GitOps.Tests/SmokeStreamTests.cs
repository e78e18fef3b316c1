using System.Net;
using System.Text;
using BedrockNovaProxy.GitOps.Smoke;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>The smoke test's stream check on recorded SSE bodies: a stream passes only when it ends with [DONE], has
/// content and no error event.</summary>
public class SmokeStreamTests
{
    private const string Role = """data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""" + "\n\n";
    private const string Ready = """data: {"choices":[{"index":0,"delta":{"content":"ready"}}]}""" + "\n\n";
    private const string Done = "data: [DONE]\n\n";

    /// <summary>Answers streamed chat completions with the recorded body, anything else with a 404.</summary>
    private sealed class Recorded(string stream) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            return request.RequestUri!.AbsolutePath == "/green/v1/chat/completions" && body.Contains("\"stream\":true", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(stream, Encoding.UTF8, "text/event-stream") }
                : new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }

    public static TheoryData<string, Outcome, string> Streams => new()
    {
        { Role + Ready + Done, Outcome.Pass, "200, 1 of 2 chunks with content, first after " },
        { Role + Ready, Outcome.Fail, "gpt-4o: 2 chunks, but the stream ended without [DONE]" },
        // An event is only complete at its blank line: a stream cut inside [DONE] did not finish.
        { Role + Ready + "data: [DONE]", Outcome.Fail, "gpt-4o: 2 chunks, but the stream ended without [DONE]" },
        { Role + Ready + "data:[DONE]\n\n", Outcome.Pass, "200, 1 of 2 chunks with content, first after " },
        { Role + Ready + Done + Ready, Outcome.Fail, "gpt-4o: data after [DONE]" },
        { Role + """data: {"error":{"message":"Too many tokens","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""" + "\n\n", Outcome.Fail,
            "gpt-4o: the stream ended with an error event (rate_limit_exceeded)" },
        { Role + Done, Outcome.Fail, "gpt-4o: 1 chunks, none with content" },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Judges_the_stream_by_its_events(string stream, Outcome outcome, string saw)
    {
        using var http = new HttpClient(new Recorded(stream));
        var plan = SmokePlan.For(new Uri("http://127.0.0.1:1/green"), null, ["gpt-4o"], TimeSpan.FromSeconds(5));

        var run = await new SmokeTest(http, TimeProvider.System).RunAsync(plan, "sk-test", TestContext.Current.CancellationToken);

        var check = run.Results.Single(r => r.Check == "stream");
        Assert.Equal(outcome, check.Outcome);
        Assert.StartsWith(saw, check.Saw, StringComparison.Ordinal);
    }
}
