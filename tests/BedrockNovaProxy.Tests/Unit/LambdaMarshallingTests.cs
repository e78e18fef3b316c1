using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Lambda;

namespace BedrockNovaProxy.Tests.Unit;

public class LambdaMarshallingTests
{
    private static LambdaRequest Parse(string json) => LambdaEvents.Parse(Encoding.UTF8.GetBytes(json));

    private static string Headers(LambdaRequest r) => string.Join("; ", r.Headers.Select(h => $"{h.Key}={h.Value}"));

    /// <summary>Each event: what the app must see (method, path base, path, query, headers, body, source ip, API request id).</summary>
    public static TheoryData<string, string, LambdaEventFormat, string, string, string, string, string, string, string?, string?> Events => new()
    {
        {
            "REST v1 on the execute-api URL: the stage is the path base; multi-value headers and query strings win",
            """
            {"resource":"/{proxy+}","path":"/v1/chat/completions","httpMethod":"POST",
             "headers":{"Content-Type":"application/json","Accept":"b"},"multiValueHeaders":{"Content-Type":["application/json"],"Accept":["a","b"]},
             "queryStringParameters":{"x":"2"},"multiValueQueryStringParameters":{"x":["1","2 3"],"y":["&"]},
             "pathParameters":{"proxy":"v1/chat/completions"},
             "requestContext":{"stage":"green","path":"/green/v1/chat/completions","requestId":"api-req-1","identity":{"sourceIp":"203.0.113.9"}},
             "body":"{\"a\":1}","isBase64Encoded":false}
            """,
            LambdaEventFormat.RestApiV1, "POST", "/green", "/v1/chat/completions", "?x=1&x=2%203&y=%26",
            "Content-Type=application/json; Accept=a; Accept=b", "{\"a\":1}", "203.0.113.9", "api-req-1"
        },
        {
            "REST v1 behind a custom domain with a base path mapping; base64 body; single-value fallbacks",
            """
            {"resource":"/{proxy+}","path":"/proxy/v1/models","httpMethod":"GET","headers":{"Host":"api.example.com"},
             "queryStringParameters":{"q":"a b"},"pathParameters":{"proxy":"v1/models"},
             "requestContext":{"stage":"prod","path":"/proxy/v1/models","requestId":"r2"},
             "body":"aGk=","isBase64Encoded":true}
            """,
            LambdaEventFormat.RestApiV1, "GET", "/proxy", "/v1/models", "?q=a%20b", "Host=api.example.com", "hi", null, "r2"
        },
        {
            "REST v1 at the stage root",
            """{"resource":"/","path":"/","httpMethod":"GET","requestContext":{"stage":"prod","path":"/prod/","requestId":"r3"}}""",
            LambdaEventFormat.RestApiV1, "GET", "/prod", "/", "", "", "", null, "r3"
        },
        {
            "HTTP API v2 with a named stage: raw query kept, cookies folded into one Cookie header",
            """
            {"version":"2.0","routeKey":"$default","rawPath":"/beta/v1/embeddings","rawQueryString":"a=1&a=2",
             "cookies":["c1=v1","c2=v2"],"headers":{"content-type":"application/json","accept":"a,b"},
             "requestContext":{"stage":"beta","requestId":"v2-req","http":{"method":"POST","path":"/beta/v1/embeddings","protocol":"HTTP/1.1","sourceIp":"198.51.100.7"}},
             "body":"{}","isBase64Encoded":false}
            """,
            LambdaEventFormat.HttpApiV2, "POST", "/beta", "/v1/embeddings", "?a=1&a=2", "content-type=application/json; accept=a,b; cookie=c1=v1; c2=v2", "{}", "198.51.100.7", "v2-req"
        },
        {
            "Function URL (payload 2.0 at $default)",
            """
            {"version":"2.0","routeKey":"$default","rawPath":"/v1/chat/completions","rawQueryString":"",
             "headers":{"authorization":"Bearer k"},
             "requestContext":{"domainName":"abc.lambda-url.us-east-1.on.aws","stage":"$default","requestId":"fu-req","http":{"method":"POST","path":"/v1/chat/completions","sourceIp":"192.0.2.1"}},
             "body":"eyJ4IjoxfQ==","isBase64Encoded":true}
            """,
            LambdaEventFormat.HttpApiV2, "POST", "", "/v1/chat/completions", "", "authorization=Bearer k", "{\"x\":1}", "192.0.2.1", "fu-req"
        },
        {
            "ALB in multi-value mode: query values stay as the balancer received them",
            """
            {"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},
             "httpMethod":"GET","path":"/health","multiValueQueryStringParameters":{"a":["x%20y"]},
             "multiValueHeaders":{"x-forwarded-for":["192.0.2.44, 10.0.0.1"],"x-amzn-trace-id":["Root=1-abc"]},"body":"","isBase64Encoded":false}
            """,
            LambdaEventFormat.Alb, "GET", "", "/health", "?a=x%20y", "x-forwarded-for=192.0.2.44, 10.0.0.1; x-amzn-trace-id=Root=1-abc", "", "192.0.2.44", "Root=1-abc"
        },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Events_become_requests(string because, string json, LambdaEventFormat format, string method, string pathBase, string path, string query, string headers, string body, string? sourceIp, string? apiRequestId)
    {
        var r = Parse(json);
        Assert.True(
            (format, method, pathBase, path, query, headers, body, sourceIp, apiRequestId)
            == (r.Format, r.Method, r.PathBase, r.Path, r.QueryString, Headers(r), Encoding.UTF8.GetString(r.Body), r.SourceIp, r.ApiRequestId),
            $"{because}: got {r.Format} {r.Method} [{r.PathBase}][{r.Path}][{r.QueryString}] {{{Headers(r)}}} '{Encoding.UTF8.GetString(r.Body)}' {r.SourceIp} {r.ApiRequestId}");
    }

    [Fact]
    public void Alb_single_value_mode_is_remembered_for_the_response()
    {
        Assert.False(Parse("""{"requestContext":{"elb":{}},"httpMethod":"GET","path":"/","headers":{"a":"b"}}""").MultiValue);
        Assert.True(Parse("""{"requestContext":{"elb":{}},"httpMethod":"GET","path":"/","multiValueHeaders":{"a":["b"]}}""").MultiValue);
    }

    [Theory]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs"}]}""", "not an HTTP event")]
    [InlineData("""{"httpMethod":"POST","path":"/","body":"@@","isBase64Encoded":true}""", "not valid base64")]
    [InlineData("""{"version":"2.0","requestContext":{}}""", "no requestContext.http.method")]
    public void Events_that_are_not_http_requests_are_refused(string json, string message) =>
        Assert.Contains(message, Assert.Throws<LambdaEventException>(() => Parse(json)).Message);

    private static readonly LambdaRequest Rest = new(LambdaEventFormat.RestApiV1, "GET", "", "/", "", [], [], null, null);
    private static readonly LambdaRequest V2 = Rest with { Format = LambdaEventFormat.HttpApiV2 };
    private static readonly LambdaRequest AlbSingle = Rest with { Format = LambdaEventFormat.Alb };
    private static readonly LambdaRequest AlbMulti = Rest with { Format = LambdaEventFormat.Alb, MultiValue = true };

    private static readonly KeyValuePair<string, string>[] JsonHeaders =
    [
        new("Content-Type", "application/json"), new("Vary", "a"), new("Vary", "b"), new("Set-Cookie", "s=1"), new("Set-Cookie", "t=2"),
    ];

    public static TheoryData<string, LambdaRequest, KeyValuePair<string, string>[], string, string> BufferedResponses => new()
    {
        { "REST v1: every header multi-valued, text body", Rest, JsonHeaders, "{}", """{"statusCode":201,"multiValueHeaders":{"Content-Type":["application/json"],"Vary":["a","b"],"Set-Cookie":["s=1","t=2"]},"body":"{}","isBase64Encoded":false}""" },
        { "HTTP API v2: joined headers, cookies apart", V2, JsonHeaders, "{}", """{"statusCode":201,"headers":{"Content-Type":"application/json","Vary":"a, b"},"cookies":["s=1","t=2"],"body":"{}","isBase64Encoded":false}""" },
        { "ALB single-value with a status description", AlbSingle, [new("Content-Type", "text/plain")], "ok", """{"statusCode":201,"statusDescription":"201 Created","headers":{"Content-Type":"text/plain"},"body":"ok","isBase64Encoded":false}""" },
        { "ALB multi-value", AlbMulti, [new("Content-Type", "text/plain")], "ok", """{"statusCode":201,"statusDescription":"201 Created","multiValueHeaders":{"Content-Type":["text/plain"]},"body":"ok","isBase64Encoded":false}""" },
        { "binary bodies are base64", Rest, [new("Content-Type", "image/png")], "hi", """{"statusCode":201,"multiValueHeaders":{"Content-Type":["image/png"]},"body":"aGk=","isBase64Encoded":true}""" },
        { "compressed bodies are base64 whatever their type", Rest, [new("Content-Type", "application/json"), new("Content-Encoding", "gzip")], "hi", """{"statusCode":201,"multiValueHeaders":{"Content-Type":["application/json"],"Content-Encoding":["gzip"]},"body":"aGk=","isBase64Encoded":true}""" },
    };

    [Theory]
    [MemberData(nameof(BufferedResponses))]
    public void Buffered_responses_take_each_event_sources_shape(string because, LambdaRequest request, KeyValuePair<string, string>[] headers, string body, string expected)
    {
        var json = Encoding.UTF8.GetString(LambdaResponses.Buffered(request, 201, headers, Encoding.UTF8.GetBytes(body)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(json)), $"{because}: got {json}");
    }

    [Fact]
    public void Streaming_preludes_drop_length_headers_and_end_with_eight_nul_bytes()
    {
        KeyValuePair<string, string>[] headers = [new("Content-Type", "text/event-stream"), new("Content-Length", "10"), new("Transfer-Encoding", "chunked"), new("Set-Cookie", "s=1")];
        var rest = LambdaResponses.Prelude(Rest, 200, headers);
        var url = LambdaResponses.Prelude(V2, 200, headers);
        Assert.All([rest, url], p => Assert.Equal(new byte[8], p[^8..]));
        Assert.Equal("""{"statusCode":200,"multiValueHeaders":{"Content-Type":["text/event-stream"]},"cookies":["s=1"]}""", Encoding.UTF8.GetString(rest[..^8]));
        Assert.Equal("""{"statusCode":200,"headers":{"Content-Type":"text/event-stream"},"cookies":["s=1"]}""", Encoding.UTF8.GetString(url[..^8]));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", null, true)]
    [InlineData("text/event-stream", null, true)]
    [InlineData("application/problem+json", null, true)]
    [InlineData(null, null, true)]
    [InlineData("application/octet-stream", null, false)]
    [InlineData("image/png", null, false)]
    [InlineData("text/plain", "br", false)]
    public void Text_or_base64(string? contentType, string? encoding, bool text) =>
        Assert.Equal(text, LambdaResponses.IsText(contentType, encoding));

    [Fact]
    public void Runtime_errors_carry_no_stack_trace()
    {
        var json = JsonNode.Parse(RuntimeApiClient.ErrorBody("Runtime.InvalidEvent", "bad"))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"errorMessage":"bad","errorType":"Runtime.InvalidEvent","stackTrace":[]}"""), json));
    }
}
