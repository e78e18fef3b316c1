using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Emulators.Lambda.Tests;

/// <summary>The emulator over real HTTP, with a small fake worker on the Runtime API.</summary>
public class FrontTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(LambdaEmulatorHost Host, HttpClient Client, HttpClient Runtime)> StartAsync(Action<LambdaEmulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var host = LambdaEmulatorApp.Build([], configure, time);
        await host.StartAsync(Ct);
        return (host, new HttpClient { BaseAddress = host.ApiGatewayUrl }, new HttpClient { BaseAddress = new Uri($"http://{host.RuntimeApi}/2018-06-01/runtime/") });
    }

    private static async Task<(string Id, JsonNode Event, HttpResponseMessage Raw)> NextAsync(HttpClient runtime)
    {
        var response = await runtime.GetAsync("invocation/next", Ct);
        var id = response.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
        return (id, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!, response);
    }

    private static Task<HttpResponseMessage> RespondAsync(HttpClient runtime, string id, string payload) =>
        runtime.PostAsync($"invocation/{id}/response", new StringContent(payload), Ct);

    [Fact]
    public async Task Round_trips_a_buffered_invocation_with_the_runtime_headers()
    {
        var (host, client, runtime) = await StartAsync();
        await using var _ = host;
        var call = client.PostAsync("prod/v1/chat/completions?x=1", new StringContent("""{"a":1}""", Encoding.UTF8, "application/json"), Ct);

        var (id, e, raw) = await NextAsync(runtime);
        Assert.True(long.Parse(raw.Headers.GetValues("Lambda-Runtime-Deadline-Ms").Single()) > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.StartsWith("arn:aws:lambda:us-east-1:", raw.Headers.GetValues("Lambda-Runtime-Invoked-Function-Arn").Single());
        Assert.StartsWith("Root=1-", raw.Headers.GetValues("Lambda-Runtime-Trace-Id").Single());
        Assert.Equal(("/v1/chat/completions", "1", """{"a":1}"""), (e["path"]!.GetValue<string>(), e["queryStringParameters"]!["x"]!.GetValue<string>(), e["body"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Accepted, (await RespondAsync(runtime, id, """{"statusCode":201,"headers":{"X-Test":"yes"},"body":"made"}""")).StatusCode);

        using var response = await call;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Test").Single());
        Assert.Equal("made", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, host.Stats.Invocations);
    }

    [Theory]
    [InlineData("error")]
    [InlineData("malformed")]
    public async Task Answers_502_for_function_errors_and_malformed_results(string kind)
    {
        var (host, client, runtime) = await StartAsync();
        await using var _ = host;
        var call = client.GetAsync("prod/health", Ct);
        var (id, _, _) = await NextAsync(runtime);

        await (kind == "error"
            ? runtime.PostAsync($"invocation/{id}/error", new StringContent("""{"errorMessage":"boom","errorType":"Oops"}"""), Ct)
            : RespondAsync(runtime, id, "this is not a proxy response"));

        using var response = await call;
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"message":"Internal server error"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Answers_504_when_the_integration_times_out()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client, runtime) = await StartAsync(time: clock);
        await using var _ = host;
        var call = client.GetAsync("prod/slow", Ct);

        await NextAsync(runtime);
        clock.Advance(TimeSpan.FromSeconds(29));
        using var response = await call;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("""{"message":"Endpoint request timed out"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, host.Stats.Timeouts);
    }

    [Fact]
    public async Task Refuses_payloads_over_the_limit_and_paths_without_a_stage()
    {
        var (host, client, _) = await StartAsync(o => o.MaxPayloadBytes = 1000);
        await using var _ = host;

        using var tooLong = await client.PostAsync("prod/x", new StringContent(new string('x', 1001)), Ct);
        using var noStage = await client.GetAsync("", Ct);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, """{"message":"Request Too Long"}"""), (tooLong.StatusCode, await tooLong.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(HttpStatusCode.Forbidden, noStage.StatusCode);
        Assert.Equal(0, host.Stats.Invocations);
    }

    [Fact]
    public async Task Throttles_the_stage_with_429()
    {
        var clock = new FakeTimeProvider();
        var (host, client, runtime) = await StartAsync(o => (o.ThrottleRate, o.ThrottleBurst) = (1, 1), clock);
        await using var _ = host;
        var first = client.GetAsync("prod/a", Ct);
        var (id, _, _) = await NextAsync(runtime);

        using var throttled = await client.GetAsync("prod/b", Ct);
        await RespondAsync(runtime, id, """{"statusCode":200}""");

        Assert.Equal((HttpStatusCode.TooManyRequests, """{"message":"Too Many Requests"}"""), (throttled.StatusCode, await throttled.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(1, host.Stats.Throttled);
    }

    [Fact]
    public async Task Stats_name_every_counter_and_give_its_value()
    {
        var (host, client, runtime) = await StartAsync();
        await using var _ = host;
        var call = client.GetAsync("prod/health", Ct);
        var (id, _, _) = await NextAsync(runtime);
        await RespondAsync(runtime, id, """{"statusCode":200}""");
        using var answered = await call;

        using var stats = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("_emulator/stats", Ct));

        Assert.Equal(["invocations", "throttled", "timeouts", "errors", "inFlight"], stats.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal([1L, 0, 0, 0, 0], stats.RootElement.EnumerateObject().Select(p => p.Value.GetInt64()));
    }

    [Fact]
    public async Task Serves_concurrent_invocations_to_several_workers()
    {
        var (host, client, runtime) = await StartAsync();
        await using var _ = host;
        var calls = new[] { client.GetAsync("prod/one", Ct), client.GetAsync("prod/two", Ct) };

        var invocations = await Task.WhenAll(NextAsync(runtime), NextAsync(runtime));
        foreach (var (id, e, _) in invocations.Reverse())
        {
            await RespondAsync(runtime, id, new JsonObject { ["statusCode"] = 200, ["body"] = e["path"]!.GetValue<string>() }.ToJsonString());
        }

        Assert.Equal(["/one", "/two"], await Task.WhenAll(calls.Select(async c => await (await c).Content.ReadAsStringAsync(Ct))));
        Assert.NotEqual(invocations[0].Id, invocations[1].Id);
    }

    [Fact]
    public async Task Forwards_streamed_chunks_before_the_function_finishes()
    {
        var (host, client, runtime) = await StartAsync(o => o.Streaming = true);
        await using var _ = host;
        var waitForWorker = host.WaitForWorkerAsync(Ct);
        var call = client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "prod/stream"), HttpCompletionOption.ResponseHeadersRead, Ct);
        var (id, _, _) = await NextAsync(runtime);
        await waitForWorker;
        var firstSeen = new TaskCompletionSource();
        var body = new StreamingBody(firstSeen.Task);
        using var post = StreamedResponse(id, body);
        var posting = runtime.SendAsync(post, Ct);

        using var response = await call;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("first", await reader.ReadLineAsync(Ct));
        firstSeen.SetResult(); // only now does the function write the rest
        Assert.Equal("second", await reader.ReadLineAsync(Ct));

        Assert.Equal(HttpStatusCode.Accepted, (await posting).StatusCode);
        Assert.Equal((HttpStatusCode.Created, "text/event-stream"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
    }

    /// <summary>A streamed function response: the http-integration-response prelude, 8 NULs, one line, then (after
    /// <c>firstSeen</c>) another line, if any. Its request stays open until then.</summary>
    /// <summary>A worker's streamed answer to invocation <paramref name="id"/>, posted as the Runtime API wants it.</summary>
    internal static HttpRequestMessage StreamedResponse(string id, HttpContent body)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, $"invocation/{id}/response") { Content = body };
        post.Headers.Add("Lambda-Runtime-Function-Response-Mode", "streaming");
        post.Headers.TransferEncodingChunked = true;
        return post;
    }

    internal sealed class StreamingBody : HttpContent
    {
        private readonly Task _firstSeen;
        private readonly string _prelude;
        private readonly string? _second;

        public StreamingBody(Task firstSeen, string prelude = """{"statusCode":201,"headers":{"Content-Type":"text/event-stream"}}""", string? second = "second\n")
        {
            (_firstSeen, _prelude, _second) = (firstSeen, prelude, second);
            Headers.ContentType = new("application/vnd.awslambda.http-integration-response");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_prelude));
            await stream.WriteAsync(new byte[8]);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("first\n"));
            await stream.FlushAsync();
            await _firstSeen;
            if (_second is not null)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(_second));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
