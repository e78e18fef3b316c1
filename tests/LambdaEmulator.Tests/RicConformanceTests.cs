using System.Net;
using System.Text.Json;
using BedrockNovaProxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Emulators.Lambda.Tests;

/// <summary>AWS's own Node Runtime Interface Client (aws-lambda-ric, pinned in emulators/lambda/conformance) runs a small
/// function on the local Lambda, started by the emulator as Lambda starts a runtime (Emulator:Worker): AWS's client
/// judges the Runtime API, buffered and streamed (awslambda.streamifyResponse, HttpResponseStream.from). The clock is
/// fake and never moved unless a test says so: what is answered at once is not a timeout.</summary>
public class RicConformanceTests
{
    private static readonly string Folder = ExternalTools.RepositoryPath("emulators", "lambda", "conformance");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(LambdaEmulatorHost Host, HttpClient Client)> StartAsync(string handler, TimeProvider clock, Action<LambdaEmulatorOptions>? configure = null)
    {
        ExternalTools.Require(await ExternalTools.RunsAsync("node", ["--version"], Ct), "node is not installed");
        ExternalTools.Require(File.Exists(Path.Combine(Folder, "node_modules", "aws-lambda-ric", "index.mjs")),
            $"aws-lambda-ric is not installed: npm ci --prefix {Folder}");
        var host = LambdaEmulatorApp.Build([], o =>
        {
            o.Worker.Command = "node";
            o.Worker.Arguments = [Path.Combine(Folder, "node_modules", "aws-lambda-ric", "index.mjs")];
            o.Worker.Handler = handler;
            o.Worker.WorkingDirectory = Path.Combine(Folder, "function");
            configure?.Invoke(o);
        }, clock);
        await host.StartAsync(Ct);
        return (host, new HttpClient { BaseAddress = host.ApiGatewayUrl });
    }

    [Theory]
    [InlineData(EventFormat.RestApiV1)]
    [InlineData(EventFormat.HttpApiV2)]
    [InlineData(EventFormat.FunctionUrl)]
    public async Task Runs_a_buffered_function_with_the_invocation_context_aws_gives(EventFormat format)
    {
        var (host, client) = await StartAsync("index.buffered", new FakeTimeProvider(DateTimeOffset.UtcNow), o => o.EventFormat = format);
        await using var _ = host;
        client.DefaultRequestHeaders.Add("Cookie", "session=1");

        using var response = await client.GetAsync("prod/echo?model=gpt-4o", Ct);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var r = answer.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bedrock-nova-proxy", response.Headers.GetValues("x-function").Single());
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), r.GetProperty("requestId").GetString());
        var arn = "arn:aws:lambda:us-east-1:123456789012:function:bedrock-nova-proxy" + (format == EventFormat.FunctionUrl ? "" : ":prod");
        Assert.Equal(arn, r.GetProperty("arn").GetString());
        Assert.InRange(r.GetProperty("remaining").GetInt64(), 1, 30_000);
        var e = r.GetProperty("event");
        if (format == EventFormat.RestApiV1)
        {
            Assert.Equal(("/echo", "gpt-4o"), (e.GetProperty("path").GetString(), e.GetProperty("queryStringParameters").GetProperty("model").GetString()));
        }
        else
        {
            Assert.Equal(("model=gpt-4o", "session=1"), (e.GetProperty("rawQueryString").GetString(), e.GetProperty("cookies")[0].GetString()));
        }

        Assert.Equal(1, host.WorkerStarts);
    }

    [Theory]
    [InlineData(EventFormat.RestApiV1)]
    [InlineData(EventFormat.FunctionUrl)]
    public async Task Streams_what_httpresponsestream_writes(EventFormat format)
    {
        var (host, client) = await StartAsync("index.streamed", new FakeTimeProvider(DateTimeOffset.UtcNow), o => (o.EventFormat, o.Streaming) = (format, true));
        await using var _ = host;

        using var response = await client.GetAsync("prod/stream", Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("first chunk\nsecond chunk for " + (format == EventFormat.FunctionUrl ? "/prod/stream" : "/stream") + "\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_thrown_error_is_reported_on_the_error_endpoint_and_answered_502()
    {
        var (host, client) = await StartAsync("index.buffered", new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var _ = host;

        using var failed = await client.GetAsync("prod/fail", Ct);
        using var after = await client.GetAsync("prod/echo", Ct);

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"Internal server error"}"""), (failed.StatusCode, await failed.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(1, host.WorkerStarts); // a function error leaves the runtime up
    }

    [Fact]
    public async Task A_runtime_that_dies_mid_invocation_is_answered_at_once_and_replaced()
    {
        var (host, client) = await StartAsync("index.buffered", new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var _ = host;

        using var died = await client.GetAsync("prod/die", Ct); // process.exit(3) while it holds the invocation
        using var after = await client.GetAsync("prod/echo", Ct);

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"Internal server error"}"""), (died.StatusCode, await died.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(0, host.Stats.Timeouts);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, host.WorkerStarts);
    }

    [Fact]
    public async Task A_stream_past_its_deadline_is_cut_and_the_runtime_reset()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client) = await StartAsync("index.streamed", clock, o => (o.Streaming, o.FunctionTimeout) = (true, TimeSpan.FromSeconds(60)));
        await using var _ = host;

        using var response = await client.GetAsync("prod/slow", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("first chunk", await reader.ReadLineAsync(Ct)); // the function holds the invocation, asleep
        clock.Advance(TimeSpan.FromSeconds(60));
        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync(Ct));
        using var after = await client.GetAsync("prod/next", Ct);

        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(1, host.Stats.Timeouts);
        Assert.Equal(2, host.WorkerStarts); // the timed-out runtime was killed; a new one served the next call
    }
}
