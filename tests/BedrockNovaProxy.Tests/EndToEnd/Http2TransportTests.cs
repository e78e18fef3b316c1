using System.Net;
using BedrockNovaProxy.Emulators.Bedrock.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The proxy's transport to Bedrock as production runs it: HTTPS, HTTP/2 by ALPN, the endpoint's certificate
/// checked against a CA bundle only. The emulator's own counters (per protocol: requests, connections, cancelled
/// streams) are the judge. Each test has its own stack, so that no other test's traffic is counted.</summary>
public class Http2TransportTests : EndToEndTest
{
    private static StringContent Chat(string text, bool stream = false) =>
        JsonText($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{text}}"}]}""");

    [Fact]
    public async Task Calls_bedrock_over_http2_and_never_falls_back_when_it_is_offered()
    {
        await using var system = await LocalSystem.StartAsync(Hosting.KestrelHttp2);

        using var buffered = await system.Http.PostAsync("v1/chat/completions", Chat("hello"), Ct);
        using var streamed = await system.Http.PostAsync("v1/chat/completions", Chat("hello", stream: true), Ct);
        using var embeddings = await system.Http.PostAsync("v1/embeddings", JsonText("""{"model":"text-embedding-3-small","input":["a","b"]}"""), Ct);
        using var ready = await system.Http.GetAsync("ready", Ct);

        Assert.Equal("https", system.BedrockUrl.Scheme);
        Assert.All(new[] { buffered, streamed, embeddings, ready }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.EndsWith("data: [DONE]", (await streamed.Content.ReadAsStringAsync(Ct)).Trim());
        var stats = system.BedrockStats;
        Assert.True(stats.Http2.Requests >= 5, $"{stats.Http2.Requests} HTTP/2 requests"); // converse, stream, 2 embeddings, the readiness probe
        Assert.Equal((0, 0), (stats.Http1.Requests, stats.Http1.ConnectionsOpened));
    }

    [Fact]
    public async Task Multiplexes_concurrent_streams_on_one_connection_and_resets_only_the_stream_a_client_leaves()
    {
        await using var system = await LocalSystem.StartAsync(Hosting.KestrelHttp2);
        const int Calls = 24;
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var calls = Enumerable.Range(0, Calls)
            .Select(i => system.Http.PostAsync("v1/chat/completions", Chat($"[[fault:hang]] call {i}", stream: i % 2 == 0), leave.Token))
            .ToList();

        await system.BedrockStats.WaitUntilAsync(s => s.InFlight == Calls, Ct);
        var opened = system.BedrockStats.Http2.ConnectionsOpened;
        leave.Cancel(); // every client hangs up
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(calls));
        await system.BedrockStats.WaitUntilAsync(s => s.Http2.Cancelled == Calls && s.InFlight == 0, Ct);
        using var after = await system.Http.PostAsync("v1/chat/completions", Chat("still there?"), Ct);

        Assert.Equal(1, opened); // 24 streams at once on one connection
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        // The resets ended the streams, not the connection: the next call travelled on it.
        Assert.Equal((1, 0), (system.BedrockStats.Http2.ConnectionsOpened, system.BedrockStats.Http2.ConnectionsClosed));
        Assert.Equal(0, system.BedrockStats.Http1.Requests);
    }

    [Fact]
    public async Task Falls_back_to_http1_only_when_the_endpoint_offers_nothing_else()
    {
        await using var system = await LocalSystem.StartAsync(Hosting.KestrelHttp2, bedrock: o => o.Tls.Protocols = HttpProtocols.Http1);

        using var response = await system.Http.PostAsync("v1/chat/completions", Chat("hello", stream: true), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(system.BedrockStats.Http1.Requests >= 1);
        Assert.Equal(0, system.BedrockStats.Http2.Requests);
    }

    /// <summary>A CA bundle that is not the one Bedrock's certificate chains to: /ready says why, and every call fails at
    /// once with 503 in OpenAI's shape (Bedrock unreachable), never hangs; the emulator serves nothing.</summary>
    [Fact]
    public async Task A_proxy_trusting_the_wrong_ca_is_not_ready_and_answers_503()
    {
        using var stranger = LocalCertificateAuthority.Create("Some other CA");
        var bundle = Path.Combine(Directory.CreateTempSubdirectory("bnp-wrong-ca-").FullName, "ca.pem");
        stranger.WritePem(bundle);
        try
        {
            await using var system = await LocalSystem.StartAsync(Hosting.KestrelHttp2, new Dictionary<string, string?> { ["Proxy:Bedrock:CaBundle"] = bundle });

            using var ready = await system.Http.GetAsync("ready", Ct);
            using var buffered = await system.Http.PostAsync("v1/chat/completions", Chat("hello"), Ct);
            using var streamed = await system.Http.PostAsync("v1/chat/completions", Chat("hello", stream: true), Ct);
            using var embeddings = await system.Http.PostAsync("v1/embeddings", JsonText("""{"model":"text-embedding-3-small","input":"a"}"""), Ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var reason = await Body(ready);
            var text = reason.RootElement.GetProperty("reason").GetString()!;
            Assert.Contains($"The TLS handshake with Amazon Bedrock ({system.BedrockUrl})", text);
            Assert.Contains("The remote certificate is invalid because of errors in the certificate chain", text);
            Assert.EndsWith($"The CAs trusted are those of {bundle} (Proxy:Bedrock:CaBundle / AWS_CA_BUNDLE).", text);
            foreach (var response in new[] { buffered, streamed, embeddings })
            {
                await ErrorTests.AssertError(response, 503, "server_error", null, "service_unavailable");
            }

            Assert.Equal(0, system.BedrockStats.Requests);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bundle)!, recursive: true);
        }
    }
}
