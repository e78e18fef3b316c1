using System.Net;
using OpenAI.Chat;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Faults set through the local Bedrock's control endpoint (/_emulator/faults), as the AppHost dashboard sets
/// them, seen by a client of the proxy: the next N calls fail with the kind's status and then the proxy answers again;
/// a share of 100% fails every call until cleared; bad rules are refused with a reason.</summary>
public class FaultControlTests : EndToEndTest
{
    // Without the proxy's retries, one client call is one Bedrock call: the count is what the client meets.
    private static Task<LocalSystem> StartAsync() =>
        LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?> { ["Proxy:Bedrock:Resilience:MaxRetries"] = "0" });

    private static async Task<JsonElement> ControlAsync(LocalSystem system, HttpMethod method, string? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var http = new HttpClient { BaseAddress = system.BedrockUrl };
        using var request = new HttpRequestMessage(method, "_emulator/faults") { Content = body is null ? null : JsonText(body) };
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    public static TheoryData<string, int, string> Kinds => new()
    {
        // kind, the status the proxy answers, its error code
        { "throttle", 429, "rate_limit_exceeded" },
        { "internal", 502, "upstream_error" },
        { "unavailable", 503, "service_unavailable" },
        { "timeout", 504, "upstream_timeout" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_next_calls_fail_as_asked_and_then_the_proxy_answers_again(string kind, int status, string code)
    {
        await using var system = await StartAsync();
        var chat = system.OpenAi.GetChatClient("gpt-4o");

        var set = await ControlAsync(system, HttpMethod.Post, $$"""{"fault":"{{kind}}","count":2}""");
        using var first = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"one"}]}"""), Ct);
        using var second = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"two"}]}"""), Ct);
        ChatCompletion third = await chat.CompleteChatAsync([new UserChatMessage("three")], cancellationToken: Ct);

        Assert.Equal((kind, 2), (set.GetProperty("fault").GetString(), set.GetProperty("remaining").GetInt32()));
        await ErrorTests.AssertError(first, status, status == 429 ? "rate_limit_error" : "server_error", null, code);
        await ErrorTests.AssertError(second, status, status == 429 ? "rate_limit_error" : "server_error", null, code);
        Assert.Equal("You said: three", third.Content[0].Text);
        Assert.Equal(JsonValueKind.Null, (await ControlAsync(system, HttpMethod.Get)).GetProperty("fault").ValueKind);
        Assert.Equal(2, system.BedrockStats.FaultsInjected);
    }

    [Fact]
    public async Task A_broken_stream_for_every_call_until_cleared()
    {
        await using var system = await StartAsync();
        var chat = system.OpenAi.GetChatClient("gpt-4o");

        await ControlAsync(system, HttpMethod.Post, """{"fault":"broken-stream","percent":100}""");
        for (var i = 0; i < 2; i++)
        {
            // The SSE stream as sent: the OpenAI SDK ends quietly on an error event, so the events are read directly.
            using var response = await system.Http.PostAsync("v1/chat/completions",
                JsonText("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"a long enough answer to break half way"}]}"""), Ct);
            var events = (await Sse.AllAsync(response, Ct)).Select(e => e.Data).ToList();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(events, e => e.Contains("\"content\":\"You\"", StringComparison.Ordinal));
            using var last = JsonDocument.Parse(events[^1]);
            Assert.True(last.RootElement.TryGetProperty("error", out _), events[^1]);
            Assert.DoesNotContain("[DONE]", events);
        }

        var state = await ControlAsync(system, HttpMethod.Get);
        var cleared = await ControlAsync(system, HttpMethod.Delete);
        var streamedAfter = "";
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("whole again")], cancellationToken: Ct))
        {
            streamedAfter += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal(("broken-stream", 100.0, 2), (state.GetProperty("fault").GetString(), state.GetProperty("percent").GetDouble(), state.GetProperty("injected").GetInt32()));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("fault").ValueKind);
        Assert.Equal("You said: whole again", streamedAfter);
    }

    public static TheoryData<string, string> BadRules => new()
    {
        // body, a fragment of the reason
        { """{"fault":"melt","count":1}""", "unknown fault 'melt'; one of throttle, internal" },
        { """{"fault":"throttle"}""", "exactly one of 'count'" },
        { """{"fault":"throttle","count":1,"percent":5}""", "exactly one of 'count'" },
        { """{"fault":"throttle","count":0}""", "'count' must be at least 1" },
        { """{"fault":"throttle","percent":150}""", "'percent' must be more than 0" },
        { """{"fault":"throttle","count":"three"}""", "'count' a whole number" },
        { """{"count":1}""", "'fault' is required" },
        { """[1]""", "the body must be an object" },
        { """{"fault":""", "the body is not JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task A_bad_rule_is_refused_with_its_reason_and_sets_nothing(string body, string reason)
    {
        await using var system = await StartAsync();

        var refused = await ControlAsync(system, HttpMethod.Post, body, HttpStatusCode.BadRequest);

        Assert.Contains(reason, refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await ControlAsync(system, HttpMethod.Get)).GetProperty("fault").ValueKind);
    }
}
