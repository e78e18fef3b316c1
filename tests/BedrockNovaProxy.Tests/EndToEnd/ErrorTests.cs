using System.ClientModel;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Every failure a client can meet, with its exact status and OpenAI error shape: Bedrock's faults (through
/// the emulator's markers), bad requests, a failure part-way through a stream, a caller that leaves, a deadline.</summary>
public class ErrorTests(LocalSystems systems) : EndToEndTest
{
    /// <summary>Bedrock fault marker -> status, error type, code, Retry-After.</summary>
    public static TheoryData<Hosting, string, int, string, string, string?> Faults()
    {
        var data = new TheoryData<Hosting, string, int, string, string, string?>();
        foreach (var hosting in Enum.GetValues<Hosting>())
        {
            data.Add(hosting, "throttle", 429, "rate_limit_error", "rate_limit_exceeded", "1");
            data.Add(hosting, "model-timeout", 504, "server_error", "upstream_timeout", null);
            data.Add(hosting, "internal", 502, "server_error", "upstream_error", null);
            data.Add(hosting, "unavailable", 503, "server_error", "service_unavailable", "5");
            data.Add(hosting, "not-ready", 503, "server_error", "model_not_ready", "5");
            data.Add(hosting, "access-denied", 502, "server_error", "upstream_access_denied", null);
            data.Add(hosting, "model-error", 502, "server_error", "model_error", null);
            data.Add(hosting, "validation", 400, "invalid_request_error", "bedrock_validation_error", null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Maps_each_bedrock_fault_to_its_status(Hosting hosting, string fault, int status, string type, string code, string? retryAfter)
    {
        var system = await systems.GetAsync(hosting);

        foreach (var stream in new[] { false, true })
        {
            using var response = await system.Http.PostAsync("v1/chat/completions",
                JsonText($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"[[fault:{{fault}}]] hi"}]}"""), Ct);

            await AssertError(response, status, type, null, code);
            Assert.Equal(retryAfter, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
        }

        var sdk = await Assert.ThrowsAsync<ClientResultException>(() =>
            system.OpenAi.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage($"[[fault:{fault}]]")], cancellationToken: Ct));
        Assert.Equal(status, sdk.Status);
    }

    /// <summary>Bad request -> status, error type, param, code, and a fragment of the message.</summary>
    public static TheoryData<string, string, int, string, string?, string?, string> BadRequests => new()
    {
        { "malformed JSON", """{"model":"gpt-4o","messages":[""", 400, "invalid_request_error", "messages[0]", null, "could not parse the JSON body" },
        { "not an object", "[1,2]", 400, "invalid_request_error", null, null, "JSON object" },
        { "messages of the wrong type", """{"model":"gpt-4o","messages":"hi"}""", 400, "invalid_request_error", "messages", "invalid_type", "Invalid type for 'messages'" },
        { "temperature of the wrong type", """{"model":"gpt-4o","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "temperature", "invalid_type", "Invalid type for 'temperature'" },
        { "empty messages", """{"model":"gpt-4o","messages":[]}""", 400, "invalid_request_error", "messages", "empty_array", "messages" },
        { "no messages", """{"model":"gpt-4o"}""", 400, "invalid_request_error", "messages", "missing_required_parameter", "messages" },
        { "no model", """{"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "model", "missing_required_parameter", "model" },
        { "unknown model", """{"model":"gpt-99","messages":[{"role":"user","content":"hi"}]}""", 404, "invalid_request_error", "model", "model_not_found", "gpt-99" },
        { "n = 2", """{"model":"gpt-4o","n":2,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "n", null, "n" },
        { "logprobs", """{"model":"gpt-4o","logprobs":true,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "logprobs", null, "logprobs" },
        { "temperature above Nova's range", """{"model":"gpt-4o","temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "temperature", null, "temperature" },
        { "unknown role", """{"model":"gpt-4o","messages":[{"role":"robot","content":"hi"}]}""", 400, "invalid_request_error", "messages[0].role", null, "robot" },
        { "image on a text-only model", """{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""", 400, "invalid_request_error", "messages[0].content[0]", null, "image" },
        { "embedding input of the wrong type", """{"model":"text-embedding-3-small","input":{"a":1}}""", 400, "invalid_request_error", "input", "invalid_type", "Invalid type for 'input'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Rejects_bad_requests_with_an_exact_status_and_shape(string name, string body, int status, string type, string? param, string? code, string message)
    {
        var system = await systems.GetAsync(Hosting.Kestrel);
        var path = body.Contains("text-embedding", StringComparison.Ordinal) ? "v1/embeddings" : "v1/chat/completions";

        using var response = await system.Http.PostAsync(path, JsonText(body), Ct);

        var error = await AssertError(response, status, type, param, code);
        Assert.True(error.GetProperty("message").GetString()!.Contains(message, StringComparison.OrdinalIgnoreCase), $"{name}: {error}");
    }

    [Theory, EveryHosting]
    public async Task Refuses_an_oversized_body_with_413(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var big = $$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{new string('x', 2 * 1024 * 1024)}}"}]}""";

        // As curl does for large bodies: announce the body and wait, so the 413 arrives before the upload.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonText(big) };
        request.Headers.ExpectContinue = true;
        using var response = await system.Http.SendAsync(request, Ct);

        await AssertError(response, 413, "invalid_request_error", null, null);
    }

    [Theory, EveryHosting]
    public async Task Answers_unknown_paths_and_methods_in_openai_shape(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var notFound = await system.Http.GetAsync("v1/nothing-here", Ct);
        using var wrongMethod = await system.Http.GetAsync("v1/chat/completions", Ct);

        await AssertError(notFound, 404, "invalid_request_error", null, null);
        await AssertError(wrongMethod, 405, "invalid_request_error", null, null);
    }

    [Theory, EveryHosting]
    public async Task Ends_a_stream_with_a_readable_error_event_when_bedrock_fails_midway(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var response = await system.Http.PostAsync("v1/chat/completions",
            JsonText("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[[fault:midstream-throttle]] one two three four"}]}"""), Ct);
        var events = (await Sse.AllAsync(response, Ct)).Select(e => e.Data).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events, e => e.Contains("\"content\":\"You\"", StringComparison.Ordinal));
        using var last = JsonDocument.Parse(events[^1]);
        var error = last.RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("Too many tokens", error.GetProperty("message").GetString());
        Assert.DoesNotContain("[DONE]", events);
    }

    /// <summary>Under Kestrel only: behind API Gateway the function is not told that the client left.</summary>
    [Fact]
    public async Task Cancels_the_bedrock_call_when_the_client_goes_away()
    {
        var system = await systems.GetAsync(Hosting.Kestrel);
        var cancelledBefore = system.BedrockStats.Cancelled;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonText("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[[latency:ttft=0,tps=20]] [[tokens:2000]] go"}]}"""),
        };

        using (var response = await system.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            await using var events = Sse.EventsAsync(response, Ct).GetAsyncEnumerator(Ct);
            Assert.True(await events.MoveNextAsync());
        }

        // Disposing the response closed the connection; the proxy must pass that on and cancel its Bedrock call.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await system.BedrockStats.WaitUntilAsync(s => s.Cancelled > cancelledBefore, timeout.Token);
    }

    [Fact]
    public async Task Answers_504_when_bedrock_does_not_answer_before_the_deadline()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel,
            new Dictionary<string, string?> { ["Proxy:Bedrock:RequestTimeout"] = "00:00:30" }, clock);

        var call = system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"[[fault:hang]]"}]}"""), Ct);
        await system.BedrockStats.WaitUntilAsync(s => s.InFlight == 1, Ct);
        clock.Advance(TimeSpan.FromSeconds(31));
        using var response = await call;

        await AssertError(response, 504, "server_error", null, "upstream_timeout");
    }

    internal static async Task<JsonElement> AssertError(HttpResponseMessage response, int status, string type, string? param, string? code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error").Clone();
        Assert.Equal(["code", "message", "param", "type"], error.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }

        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("x-request-id"), "every answer carries its request id");
        return error;
    }
}
