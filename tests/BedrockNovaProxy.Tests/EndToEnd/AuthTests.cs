using System.Net;
using System.Net.Http.Headers;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>API keys, per-key models and per-key limits, through every hosting mode.</summary>
public class AuthTests(LocalSystems systems) : EndToEndTest
{
    private static HttpRequestMessage Get(string path, string? bearer = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        return request;
    }

    [Theory, EveryHosting]
    public async Task Requires_a_known_key_everywhere_but_the_health_probes(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        using var anonymous = new HttpClient { BaseAddress = system.BaseUrl };

        using var missing = await anonymous.SendAsync(Get("v1/models"), Ct);
        using var wrong = await anonymous.SendAsync(Get("v1/models", bearer: "sk-wrong-key-123456"), Ct);
        using var viaHeader = await anonymous.SendAsync(Get("v1/models", apiKey: InProcessStack.ApiKey), Ct);
        using var health = await anonymous.SendAsync(Get("health"), Ct);
        using var chat = await anonymous.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        await ErrorTests.AssertError(missing, 401, "invalid_request_error", null, "missing_api_key");
        var error = await ErrorTests.AssertError(wrong, 401, "invalid_request_error", null, "invalid_api_key");
        Assert.Equal("Incorrect API key provided: sk-wr***56.", error.GetProperty("message").GetString());
        await ErrorTests.AssertError(chat, 401, "invalid_request_error", null, "missing_api_key");
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory, EveryHosting]
    public async Task Limits_a_key_to_its_models_and_its_requests_per_minute(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        using var limited = new HttpClient { BaseAddress = system.BaseUrl };
        limited.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LocalSystem.LimitedKey);

        using var models = await limited.GetAsync("v1/models", Ct);
        using var other = await limited.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        using var allowed = await limited.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        using var over = await limited.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        var ids = (await Body(models)).RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["gpt-4o-mini"], ids);
        await ErrorTests.AssertError(other, 404, "invalid_request_error", "model", "model_not_found");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("3", allowed.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("0", allowed.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        var error = await ErrorTests.AssertError(over, 429, "rate_limit_error", null, "rate_limit_exceeded");
        Assert.Contains("limit 3 per minute", error.GetProperty("message").GetString());
        Assert.InRange(int.Parse(over.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 20);
    }
}
