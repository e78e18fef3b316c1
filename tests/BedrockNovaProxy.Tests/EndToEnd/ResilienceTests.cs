using System.Net;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using static BedrockNovaProxy.Tests.EndToEnd.EmbeddingsAndModelsTests;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Retries cure transient Bedrock failures before the client sees them; a model that keeps failing is
/// given a rest by its circuit breaker.</summary>
public class ResilienceTests(LocalSystems systems)
{
    public static TheoryData<Hosting> Hostings => ChatTests.Hostings;

    [Theory]
    [MemberData(nameof(Hostings))]
    public async Task Retries_a_throttled_or_unavailable_call_and_answers(Hosting hosting)
    {
        var chat = (await systems.GetAsync(hosting)).OpenAi.GetChatClient("gpt-4o");
        var ct = TestContext.Current.CancellationToken;

        // "-once": the emulator fails only the first attempt of this exact request.
        ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage($"[[fault:throttle-once]] retry {hosting}")], cancellationToken: ct);
        var streamed = "";
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage($"[[fault:unavailable-once]] stream {hosting}")], cancellationToken: ct))
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
        var ct = TestContext.Current.CancellationToken;
        Task<HttpResponseMessage> Send(string prompt, string model = "gpt-4o") => system.Http.PostAsync("v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{prompt}}"}]}"""), ct);

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
}
