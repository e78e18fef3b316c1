using System.ClientModel;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using OpenAI.Embeddings;
using LocalCredentials = BedrockNovaProxy.Aws.LocalCredentials;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>security.cross_account: the proxy's own credentials only call STS AssumeRole (the emulator's STS); every
/// Bedrock call is signed with the role's temporary credentials, refreshed before they expire, and a refused role is
/// a clear error in OpenAI's shape.</summary>
public class AssumeRoleTests : EndToEndTest
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    private static Dictionary<string, string?> RoleSettings(string role = Role) => new()
    {
        ["Proxy:Bedrock:AssumeRoleArn"] = role,
        ["Proxy:Bedrock:AssumeRoleSessionName"] = "acme-test",
        ["Proxy:Bedrock:AssumeRoleExternalId"] = "acme-7f3a",
    };

    // KestrelHttp2: STS over HTTPS too, its certificate trusted through the CA bundle.
    public static TheoryData<Hosting> RoleHostings => new(Hosting.Kestrel, Hosting.LambdaStreaming, Hosting.KestrelHttp2);

    [Theory]
    [MemberData(nameof(RoleHostings))]
    public async Task Bedrock_calls_are_signed_with_the_assumed_roles_credentials(Hosting hosting)
    {
        var logs = new CapturingLoggerProvider();
        var settings = RoleSettings();
        settings["Logging:LogLevel:Default"] = "Information";
        await using var system = await LocalSystem.StartAsync(hosting, settings, services: s => s.AddSingleton<ILoggerProvider>(logs));

        ChatCompletion answer = await system.OpenAi.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("Hello from the role")], cancellationToken: Ct);
        var streamed = "";
        await foreach (var update in system.OpenAi.GetChatClient("gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("stream as the role")], cancellationToken: Ct))
        {
            streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        OpenAIEmbedding embedding = await system.OpenAi.GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("embed as the role", cancellationToken: Ct);
        using var ready = await system.Http.GetAsync("ready", Ct);

        Assert.Equal("You said: Hello from the role", answer.Content[0].Text);
        Assert.Equal("You said: stream as the role", streamed);
        Assert.Equal(1024, embedding.ToFloats().Length);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // One AssumeRole call, signed with the proxy's own key, for the configured role, session name and external id...
        var session = Assert.Single(system.StsSessions.Issued);
        Assert.Equal((Role, "acme-test", "acme-7f3a", LocalCredentials.PrincipalArn), (session.RoleArn, session.SessionName, session.ExternalId, session.CallerArn));
        // ...and every Bedrock call signed with the session's key, none with the proxy's own.
        Assert.Equal(new Dictionary<string, long> { [session.AccessKeyId] = 3 }, system.BedrockStats.RequestsByAccessKey);
        Assert.Equal(0, system.BedrockStats.AuthFailures);

        // Credentials never reach a log line; that the role was assumed does.
        Assert.Contains(logs.Lines, l => l.Message.StartsWith($"Assumed role {Role} as arn:aws:sts::444455556666:assumed-role/bedrock-access/acme-test", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(session.SecretAccessKey, StringComparison.Ordinal) || l.Message.Contains(session.SessionToken, StringComparison.Ordinal)
            || l.Message.Contains(session.AccessKeyId, StringComparison.Ordinal) || l.Message.Contains("acme-7f3a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_are_refreshed_five_minutes_before_they_expire()
    {
        // One clock for the proxy and the emulator: signatures, session expiry and the refresh all see the same hour.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, RoleSettings(), clock, shareClock: true);
        var chat = system.OpenAi.GetChatClient("gpt-4o");
        async Task<string> Ask(string prompt) => ((ChatCompletion)await chat.CompleteChatAsync([new UserChatMessage(prompt)], cancellationToken: Ct)).Content[0].Text;

        var first = await Ask("first");
        clock.Advance(TimeSpan.FromMinutes(54));
        var cached = await Ask("still cached");
        var firstSession = Assert.Single(system.StsSessions.Issued);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var refreshed = await Ask("refreshed");
        clock.Advance(TimeSpan.FromMinutes(10));
        var afterTheFirstExpired = await Ask("after the first session expired");

        Assert.Equal(["You said: first", "You said: still cached", "You said: refreshed", "You said: after the first session expired"], [first, cached, refreshed, afterTheFirstExpired]);
        Assert.Equal(2, system.BedrockStats.AssumeRole);
        var secondSession = system.StsSessions.Issued[1];
        Assert.NotEqual(firstSession.AccessKeyId, secondSession.AccessKeyId);
        Assert.Equal(firstSession.Expiration + TimeSpan.FromMinutes(55) + TimeSpan.FromSeconds(1), secondSession.Expiration);
        Assert.Equal(new Dictionary<string, long> { [firstSession.AccessKeyId] = 2, [secondSession.AccessKeyId] = 2 }, system.BedrockStats.RequestsByAccessKey);
        Assert.Equal(0, system.BedrockStats.AuthFailures);
    }

    [Fact]
    public async Task A_refused_role_is_a_clear_502_and_ready_says_why()
    {
        const string Denied = "arn:aws:iam::444455556666:role/not-trusting-the-proxy";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, RoleSettings(Denied), clock, bedrock: o => o.Sts.DeniedRoleArns.Add(Denied));
        var expected = $"The proxy could not assume the role {Denied}: AWS STS answered AccessDenied (HTTP 403): User: {LocalCredentials.PrincipalArn} is not authorized to perform: sts:AssumeRole on resource: {Denied}";

        var sdk = await Assert.ThrowsAsync<ClientResultException>(() => system.OpenAi.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        using var buffered = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        using var streamed = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"""), Ct);
        using var embeddings = await system.Http.PostAsync("v1/embeddings", JsonText("""{"model":"text-embedding-3-small","input":"hi"}"""), Ct);
        using var ready = await system.Http.GetAsync("ready", Ct);

        Assert.Equal(502, sdk.Status);
        foreach (var response in new[] { buffered, streamed, embeddings })
        {
            var error = await ErrorTests.AssertError(response, 502, "server_error", null, "assume_role_failed");
            Assert.Equal(expected, error.GetProperty("message").GetString());
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));
        Assert.Equal(("not_ready", expected), (readiness.RootElement.GetProperty("status").GetString(), readiness.RootElement.GetProperty("reason").GetString()));

        // Nothing reached Bedrock, and STS was asked once: a refusal is held for a few seconds, not asked again per request.
        Assert.Equal(0, system.BedrockStats.Requests);
        Assert.Equal(1, system.BedrockStats.StsErrors);
        clock.Advance(BedrockNovaProxy.Bedrock.Sts.AssumeRoleCredentialSource.FailureHoldOff);
        using var later = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        await ErrorTests.AssertError(later, 502, "server_error", null, "assume_role_failed");
        Assert.Equal(2, system.BedrockStats.StsErrors);
    }

    [Fact]
    public async Task An_unreachable_sts_is_a_503_with_retry_after()
    {
        var settings = RoleSettings();
        settings["Proxy:Bedrock:StsEndpoint"] = "http://127.0.0.1:1";
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, settings);

        using var response = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        var error = await ErrorTests.AssertError(response, 503, "server_error", null, "assume_role_unavailable");
        Assert.StartsWith($"The proxy could not assume the role {Role}: AWS STS (http://127.0.0.1:1) could not be reached: ", error.GetProperty("message").GetString());
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(0, system.BedrockStats.Requests);
    }
}
