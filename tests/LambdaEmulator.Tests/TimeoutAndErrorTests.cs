using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Emulators.Lambda.Tests;

/// <summary>What each front answers when the function fails or runs out of time, with a small fake worker on the
/// Runtime API and a fake clock: the function's deadline is enforced as Lambda enforces it (a late answer is refused),
/// REST answers 502/504, HTTP APIs 500/503, Function URLs 502.</summary>
public class TimeoutAndErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(LambdaEmulatorHost Host, HttpClient Client, HttpClient Runtime)> StartAsync(FakeTimeProvider clock, Action<LambdaEmulatorOptions> configure)
    {
        var host = LambdaEmulatorApp.Build([], configure, clock);
        await host.StartAsync(Ct);
        return (host, new HttpClient { BaseAddress = host.ApiGatewayUrl }, new HttpClient { BaseAddress = new Uri($"http://{host.RuntimeApi}/2018-06-01/runtime/") });
    }

    private static async Task<string> NextAsync(HttpClient runtime)
    {
        using var response = await runtime.GetAsync("invocation/next", Ct);
        return response.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
    }

    private static async Task<(HttpStatusCode, string)> Read(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData(EventFormat.RestApiV1, false, HttpStatusCode.BadGateway, """{"message":"Internal server error"}""")]
    [InlineData(EventFormat.RestApiV1, true, HttpStatusCode.BadGateway, """{"message":"Internal server error"}""")]
    [InlineData(EventFormat.HttpApiV2, false, HttpStatusCode.InternalServerError, """{"message":"Internal Server Error"}""")]
    [InlineData(EventFormat.FunctionUrl, true, HttpStatusCode.BadGateway, "Internal Server Error")]
    public async Task Times_the_function_out_at_its_deadline_and_refuses_the_late_answer(EventFormat format, bool streaming, HttpStatusCode status, string body)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client, runtime) = await StartAsync(clock, o => (o.EventFormat, o.Streaming, o.FunctionTimeout) = (format, streaming, TimeSpan.FromSeconds(10)));
        await using var _ = host;
        var call = client.GetAsync("prod/slow", Ct);
        var id = await NextAsync(runtime);

        clock.Advance(TimeSpan.FromSeconds(10)); // the function's timeout: Lambda ends the invocation
        var answer = await Read(call);
        using var late = await runtime.PostAsync($"invocation/{id}/response", new StringContent("""{"statusCode":200,"body":"too late"}"""), Ct);

        Assert.Equal((status, body), answer);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("InvalidRequestID", await late.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, host.Stats.Timeouts);
    }

    [Fact]
    public async Task A_function_answering_just_before_its_deadline_is_served()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client, runtime) = await StartAsync(clock, o => o.FunctionTimeout = TimeSpan.FromSeconds(10));
        await using var _ = host;
        var call = client.GetAsync("prod/slow", Ct);
        var id = await NextAsync(runtime);

        clock.Advance(TimeSpan.FromMilliseconds(9999));
        using var answer = await runtime.PostAsync($"invocation/{id}/response", new StringContent("""{"statusCode":200,"body":"in time"}"""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "in time"), await Read(call));
        Assert.Equal(0, host.Stats.Timeouts);
    }

    [Theory]
    [InlineData(EventFormat.RestApiV1, 29, HttpStatusCode.GatewayTimeout, """{"message":"Endpoint request timed out"}""")]
    [InlineData(EventFormat.HttpApiV2, 30, HttpStatusCode.ServiceUnavailable, """{"message":"Service Unavailable"}""")]
    public async Task The_gateway_gives_up_on_a_function_slower_than_its_integration_timeout(EventFormat format, int seconds, HttpStatusCode status, string body)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The defaults: REST's 29 s integration timeout, HTTP API's 30 s.
        var (host, client, runtime) = await StartAsync(clock, o => (o.EventFormat, o.FunctionTimeout) = (format, TimeSpan.FromMinutes(5)));
        await using var _ = host;
        var call = client.GetAsync("prod/slow", Ct);
        await NextAsync(runtime);

        clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal((status, body), await Read(call));
    }

    [Theory]
    [InlineData(EventFormat.HttpApiV2, "error", HttpStatusCode.InternalServerError, """{"message":"Internal Server Error"}""")]
    [InlineData(EventFormat.HttpApiV2, """{"statusCode":"200"}""", HttpStatusCode.InternalServerError, """{"message":"Internal Server Error"}""")]
    [InlineData(EventFormat.FunctionUrl, "error", HttpStatusCode.BadGateway, "Internal Server Error")]
    [InlineData(EventFormat.RestApiV1, "error", HttpStatusCode.BadGateway, """{"message":"Internal server error"}""")]
    public async Task Answers_a_failed_function_as_each_front_does(EventFormat format, string result, HttpStatusCode status, string body)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client, runtime) = await StartAsync(clock, o => o.EventFormat = format);
        await using var _ = host;
        var call = client.GetAsync("prod/fail", Ct);
        var id = await NextAsync(runtime);

        using var posted = result == "error"
            ? await runtime.PostAsync($"invocation/{id}/error", new StringContent("""{"errorMessage":"boom","errorType":"Error"}""", Encoding.UTF8, "application/vnd.aws.lambda.error+json"), Ct)
            : await runtime.PostAsync($"invocation/{id}/response", new StringContent(result), Ct);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal((status, body), await Read(call));
        Assert.Equal(1, host.Stats.Errors);
    }

    [Fact]
    public async Task Cuts_a_stream_still_running_at_the_deadline()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, client, runtime) = await StartAsync(clock, o => (o.Streaming, o.FunctionTimeout) = (true, TimeSpan.FromSeconds(10)));
        await using var _ = host;
        var call = client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "prod/stream"), HttpCompletionOption.ResponseHeadersRead, Ct);
        var id = await NextAsync(runtime);
        var never = new TaskCompletionSource();
        using var post = FrontTests.StreamedResponse(id, new FrontTests.StreamingBody(never.Task, """{"statusCode":200}""", second: null));
        var posting = runtime.SendAsync(post, Ct);

        using var response = await call;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("first", await reader.ReadLineAsync(Ct));
        clock.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync(Ct));
        Assert.Equal(1, host.Stats.Timeouts);
        never.SetResult();
        using var refused = await posting;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
