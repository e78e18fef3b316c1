using System.Net;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Retries cure transient Bedrock failures before the client sees them; a model that keeps failing is
/// given a rest by its circuit breaker.</summary>
public class ResilienceTests(LocalSystems systems) : EndToEndTest
{
    [Theory, EveryHosting]
    public async Task Retries_a_throttled_or_unavailable_call_and_answers(Hosting hosting)
    {
        var chat = (await systems.GetAsync(hosting)).OpenAi.GetChatClient("gpt-4o");

        // "-once": the emulator fails only the first attempt of this exact request.
        ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage($"[[fault:throttle-once]] retry {hosting}")], cancellationToken: Ct);
        var streamed = "";
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage($"[[fault:unavailable-once]] stream {hosting}")], cancellationToken: Ct))
        {
            streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal($"You said: retry {hosting}", answer.Content[0].Text);
        Assert.Equal($"You said: stream {hosting}", streamed);
    }

    [Fact]
    public async Task Opens_the_circuit_of_a_failing_model_and_closes_it_after_a_rest()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?>
        {
            ["Proxy:Bedrock:Resilience:MaxRetries"] = "0",
            ["Proxy:Bedrock:Resilience:MinimumThroughput"] = "2",
            ["Proxy:Bedrock:Resilience:FailureRatio"] = "1",
            ["Proxy:Bedrock:Resilience:BreakDuration"] = "00:00:15",
        }, clock);
        Task<HttpResponseMessage> Send(string prompt, string model = "gpt-4o") => system.Http.PostAsync("v1/chat/completions",
            JsonText($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{prompt}}"}]}"""), Ct);

        using var first = await Send("[[fault:unavailable]]");
        using var second = await Send("[[fault:unavailable]]");
        using var resting = await Send("all good now");
        using var otherModel = await Send("another model", "gpt-4o-mini");
        clock.Advance(TimeSpan.FromSeconds(16));
        using var afterRest = await Send("all good now");

        await ErrorTests.AssertError(first, 503, "server_error", null, "service_unavailable");
        await ErrorTests.AssertError(second, 503, "server_error", null, "service_unavailable");
        await ErrorTests.AssertError(resting, 503, "server_error", null, "model_circuit_open");
        Assert.InRange(int.Parse(resting.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 15);
        Assert.Equal(HttpStatusCode.OK, otherModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterRest.StatusCode);
    }

    /// <summary>The request's own deadline (Proxy:Limits:RequestTimeout), shorter than Bedrock's: the client gets a 504
    /// in OpenAI's shape, and the Bedrock call is cancelled, not left running (the emulator's own counters say so).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_504_when_the_request_deadline_passes_and_cancels_the_bedrock_call(bool stream)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?> { ["Proxy:Limits:RequestTimeout"] = "00:00:05" }, clock);

        var call = system.Http.PostAsync("v1/chat/completions",
            JsonText($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"[[fault:hang]]"}]}"""), Ct);
        await system.BedrockStats.WaitUntilAsync(s => s.InFlight == 1, Ct);
        clock.Advance(TimeSpan.FromSeconds(5));
        using var response = await call;

        var error = await ErrorTests.AssertError(response, 504, "server_error", null, "timeout");
        Assert.Contains("within the proxy's time limit of 5 seconds", error.GetProperty("message").GetString());
        await system.BedrockStats.WaitUntilAsync(s => s.Cancelled == 1 && s.InFlight == 0, Ct);
    }

    [Fact]
    public async Task Ends_a_stream_with_a_timeout_event_when_the_deadline_passes_midway()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?> { ["Proxy:Limits:RequestTimeout"] = "00:00:05" }, clock);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            // Five tokens a second for 2000 tokens: the stream is still flowing when the fake clock moves.
            Content = JsonText("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[[latency:ttft=0,tps=5]] [[tokens:2000]] go"}]}"""),
        };

        using var response = await system.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var stream = Sse.EventsAsync(response, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await stream.MoveNextAsync());
        clock.Advance(TimeSpan.FromSeconds(5));
        var events = (await Sse.RestAsync(stream)).Select(e => e.Data).ToList();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var last = System.Text.Json.JsonDocument.Parse(events[^1]);
        Assert.Equal("timeout", last.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("[DONE]", events);
        await system.BedrockStats.WaitUntilAsync(s => s.Cancelled == 1 && s.InFlight == 0, Ct);
    }

    /// <summary>On Lambda the invocation's deadline binds: the proxy answers 504 in OpenAI's shape DeadlineMargin before
    /// it, so the platform never has to cut the invocation off (the local Lambda counts no timeout). The local Lambda and
    /// the proxy share the fake clock, as a sandbox shares the host's.</summary>
    [Theory]
    [InlineData(Hosting.LambdaBuffered)]
    [InlineData(Hosting.LambdaStreaming)]
    public async Task Answers_504_before_the_lambda_invocation_deadline(Hosting hosting)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(hosting, new Dictionary<string, string?> { ["Proxy:Lambda:DeadlineMargin"] = "00:00:02" }, clock,
            lambda: o => o.FunctionTimeout = TimeSpan.FromSeconds(20));

        var call = system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"[[fault:hang]]"}]}"""), Ct);
        await system.BedrockStats.WaitUntilAsync(s => s.InFlight == 1, Ct);
        clock.Advance(TimeSpan.FromSeconds(18)); // 20 s function timeout less the 2 s margin; the platform's own cut is 2 s away
        using var response = await call;

        var error = await ErrorTests.AssertError(response, 504, "server_error", null, "timeout");
        Assert.Contains("time limit of 18 seconds", error.GetProperty("message").GetString());
        Assert.Equal(0, system.LambdaStats!.Timeouts);
        await system.BedrockStats.WaitUntilAsync(s => s.Cancelled == 1 && s.InFlight == 0, Ct);
    }
}
