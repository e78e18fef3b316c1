using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Emulators.Lambda.Events;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Emulators.Lambda.Tests;

public class MarshallingTests
{
    private static readonly FrontRequest Request = new("POST", "prod", "/v1/chat/completions", "a=1&b=x%20y&a=2",
        [KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("X-Multi", "one"), KeyValuePair.Create("X-Multi", "two"), KeyValuePair.Create("Cookie", "s=1; t=2")],
        Encoding.UTF8.GetBytes("""{"x":1}"""), "10.0.0.1", "req-1", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    [Fact]
    public void Builds_a_rest_api_proxy_event()
    {
        var e = EventBuilder.Build(EventFormat.RestApiV1, Request);

        Assert.Equal("/v1/chat/completions", e["path"]!.GetValue<string>());
        Assert.Equal("/{proxy+}", e["resource"]!.GetValue<string>());
        Assert.Equal("v1/chat/completions", e["pathParameters"]!["proxy"]!.GetValue<string>());
        Assert.Equal("two", e["headers"]!["X-Multi"]!.GetValue<string>());
        Assert.Equal("""["one","two"]""", e["multiValueHeaders"]!["X-Multi"]!.ToJsonString());
        Assert.Equal("2", e["queryStringParameters"]!["a"]!.GetValue<string>());
        Assert.Equal("""["1","2"]""", e["multiValueQueryStringParameters"]!["a"]!.ToJsonString());
        Assert.Equal("x y", e["queryStringParameters"]!["b"]!.GetValue<string>());
        Assert.Equal(("prod", "/prod/v1/chat/completions", "req-1", "10.0.0.1"),
            (e["requestContext"]!["stage"]!.GetValue<string>(), e["requestContext"]!["path"]!.GetValue<string>(),
             e["requestContext"]!["requestId"]!.GetValue<string>(), e["requestContext"]!["identity"]!["sourceIp"]!.GetValue<string>()));
        Assert.Equal(("""{"x":1}""", false), (e["body"]!.GetValue<string>(), e["isBase64Encoded"]!.GetValue<bool>()));
        Assert.Equal("prod", e["stageVariables"]!["lambdaAlias"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(EventFormat.HttpApiV2, "/prod/v1/chat/completions", "prod")]
    [InlineData(EventFormat.FunctionUrl, "/v1/chat/completions", "$default")]
    public void Builds_payload_v2_events(EventFormat format, string rawPath, string stage)
    {
        var e = EventBuilder.Build(format, Request);

        Assert.Equal("2.0", e["version"]!.GetValue<string>());
        Assert.Equal(rawPath, e["rawPath"]!.GetValue<string>());
        Assert.Equal("a=1&b=x%20y&a=2", e["rawQueryString"]!.GetValue<string>());
        Assert.Equal("one,two", e["headers"]!["x-multi"]!.GetValue<string>());
        Assert.Null(e["headers"]!["cookie"]);
        Assert.Equal("""["s=1","t=2"]""", e["cookies"]!.ToJsonString());
        Assert.Equal("1,2", e["queryStringParameters"]!["a"]!.GetValue<string>());
        Assert.Equal(("POST", stage), (e["requestContext"]!["http"]!["method"]!.GetValue<string>(), e["requestContext"]!["stage"]!.GetValue<string>()));
    }

    [Fact]
    public void Sends_binary_bodies_base64()
    {
        var e = EventBuilder.Build(EventFormat.RestApiV1, Request with { Headers = [KeyValuePair.Create("Content-Type", "image/png")], Body = [0, 1, 2, 255] });

        Assert.Equal(("AAEC/w==", true), (e["body"]!.GetValue<string>(), e["isBase64Encoded"]!.GetValue<bool>()));
    }

    public static TheoryData<EventFormat, string, int?, string> Responses => new()
    {
        { EventFormat.RestApiV1, """{"statusCode":201,"headers":{"a":"1"},"body":"hi"}""", 201, "hi" },
        { EventFormat.RestApiV1, """{"statusCode":200,"body":"AAEC","isBase64Encoded":true}""", 200, "\0\u0001\u0002" },
        { EventFormat.RestApiV1, """{"statusCode":200,"multiValueHeaders":{"a":["1","2"]}}""", 200, "" },
        { EventFormat.RestApiV1, """{"body":"no status"}""", null, "" },
        { EventFormat.RestApiV1, """not json""", null, "" },
        { EventFormat.RestApiV1, """{"statusCode":"200"}""", null, "" },
        { EventFormat.RestApiV1, """{"statusCode":200,"headers":["x"]}""", null, "" },
        { EventFormat.RestApiV1, """{"statusCode":200,"body":"%%%","isBase64Encoded":true}""", null, "" },
        { EventFormat.HttpApiV2, """{"answer":42}""", 200, """{"answer":42}""" },
        { EventFormat.HttpApiV2, """{"statusCode":404,"cookies":["a=b"],"body":"gone"}""", 404, "gone" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void Turns_function_results_into_http_or_refuses_them(EventFormat format, string payload, int? status, string body)
    {
        var answer = ProxyResponse.Parse(Encoding.UTF8.GetBytes(payload), format);

        Assert.Equal(status, answer?.Status);
        if (answer is not null)
        {
            Assert.Equal(body, Encoding.UTF8.GetString(answer.Body));
        }
    }

    [Fact]
    public void Merges_headers_multi_value_headers_and_cookies()
    {
        var headers = ProxyResponse.Headers(JsonNode.Parse("""{"headers":{"a":"x","b":"y"},"multiValueHeaders":{"a":["1","2"]},"cookies":["c=1"]}""")!.AsObject())!;

        Assert.Equal(["b: y", "a: 1", "a: 2", "Set-Cookie: c=1"], headers.Select(h => $"{h.Key}: {h.Value}"));
    }

    [Fact]
    public void Throttles_with_a_burst_then_the_steady_rate()
    {
        var clock = new FakeTimeProvider();
        var bucket = new BedrockNovaProxy.Limits.RateBucket(capacity: 3, refillPerSecond: 2, clock);

        var burst = Enumerable.Range(0, 4).Select(_ => bucket.TryTake()).ToList();
        clock.Advance(TimeSpan.FromMilliseconds(499));
        var tooSoon = bucket.TryTake();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var refilled = bucket.TryTake();

        Assert.Equal([true, true, true, false], burst);
        Assert.False(tooSoon);
        Assert.True(refilled);
    }
}
