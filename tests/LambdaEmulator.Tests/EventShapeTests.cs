using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Emulators.Lambda.Events;
using BedrockNovaProxy.Tests.Support;

namespace BedrockNovaProxy.Emulators.Lambda.Tests;

/// <summary>The events the front builds, key for key: which keys AWS sends, of which JSON kind, which it sends as null
/// (REST) and which it leaves out (payload 2.0). The fixtures below are this project's own reading of AWS's documented
/// payloads and real sample events; a second test compares with those real events themselves where a copy of them is
/// at hand (shared/reference/lambda-events beside the repository, on the project's own machines: they are reference
/// material, not part of the repository, so a clone elsewhere skips that comparison and keeps the fixtures').</summary>
public class EventShapeTests
{
    /// <summary>A GET without query string, body or cookies, as a browser or SDK sends one.</summary>
    private static readonly FrontRequest Get = new("GET", "prod", "/v1/models", "",
        [KeyValuePair.Create("Host", "127.0.0.1:5010"), KeyValuePair.Create("User-Agent", "curl/8.5.0"), KeyValuePair.Create("Accept", "*/*")],
        [], "10.0.0.1", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    // Leaves: s string, n number, b boolean, 0 null. Maps of the caller's data (headers, query, path parameters, stage
    // variables) are one leaf each: o object.
    private static readonly string[] RestKeys =
    [
        "body:0", "headers:o", "httpMethod:s", "isBase64Encoded:b", "multiValueHeaders:o", "multiValueQueryStringParameters:0", "path:s",
        "pathParameters:o", "queryStringParameters:0", "requestContext.accountId:s", "requestContext.apiId:s", "requestContext.deploymentId:s",
        "requestContext.domainName:s", "requestContext.domainPrefix:s", "requestContext.extendedRequestId:s", "requestContext.httpMethod:s",
        "requestContext.identity.accessKey:0", "requestContext.identity.accountId:0", "requestContext.identity.caller:0",
        "requestContext.identity.cognitoAuthenticationProvider:0", "requestContext.identity.cognitoAuthenticationType:0",
        "requestContext.identity.cognitoIdentityId:0", "requestContext.identity.cognitoIdentityPoolId:0", "requestContext.identity.principalOrgId:0",
        "requestContext.identity.sourceIp:s", "requestContext.identity.user:0", "requestContext.identity.userAgent:s", "requestContext.identity.userArn:0",
        "requestContext.path:s", "requestContext.protocol:s", "requestContext.requestId:s", "requestContext.requestTime:s",
        "requestContext.requestTimeEpoch:n", "requestContext.resourceId:s", "requestContext.resourcePath:s", "requestContext.stage:s",
        "resource:s", "stageVariables:o",
    ];

    private static readonly string[] HttpApiKeys =
    [
        "headers:o", "isBase64Encoded:b", "pathParameters:o", "rawPath:s", "rawQueryString:s", "requestContext.accountId:s", "requestContext.apiId:s",
        "requestContext.domainName:s", "requestContext.domainPrefix:s", "requestContext.http.method:s", "requestContext.http.path:s",
        "requestContext.http.protocol:s", "requestContext.http.sourceIp:s", "requestContext.http.userAgent:s", "requestContext.requestId:s",
        "requestContext.routeKey:s", "requestContext.stage:s", "requestContext.time:s", "requestContext.timeEpoch:n", "routeKey:s",
        "stageVariables:o", "version:s",
    ];

    private static readonly string[] FunctionUrlKeys = [.. HttpApiKeys.Except(["pathParameters:o", "stageVariables:o"])];

    public static TheoryData<EventFormat, string[]> Fixtures => new()
    {
        { EventFormat.RestApiV1, RestKeys },
        { EventFormat.HttpApiV2, HttpApiKeys },
        { EventFormat.FunctionUrl, FunctionUrlKeys },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Sends_exactly_the_keys_aws_sends(EventFormat format, string[] expected)
    {
        var e = EventBuilder.Build(format, Get);

        Assert.Equal(expected.Order(StringComparer.Ordinal), Shape(e));
    }

    [Fact]
    public void Fills_the_request_context_as_api_gateway_does()
    {
        var rest = EventBuilder.Build(EventFormat.RestApiV1, Get with { TraceRoot = "Root=1-65536000-0123456789abcdef01234567" })["requestContext"]!;
        var http = EventBuilder.Build(EventFormat.HttpApiV2, Get)["requestContext"]!;

        Assert.Equal("14/Nov/2023:22:13:20 +0000", rest["requestTime"]!.GetValue<string>());
        Assert.Equal("14/Nov/2023:22:13:20 +0000", http["time"]!.GetValue<string>());
        Assert.Equal(("127.0.0.1", "127"), (rest["domainName"]!.GetValue<string>(), rest["domainPrefix"]!.GetValue<string>()));
        Assert.Equal(16, rest["extendedRequestId"]!.GetValue<string>().Length);
        Assert.Matches("^[0-9a-f]{6}$", rest["resourceId"]!.GetValue<string>());
        Assert.Equal("curl/8.5.0", rest["identity"]!["userAgent"]!.GetValue<string>());
    }

    [Fact]
    public void Adds_the_forwarding_headers_api_gateway_adds()
    {
        var rest = EventBuilder.Build(EventFormat.RestApiV1, Get with
        {
            Port = 5010,
            TraceRoot = "Root=1-65536000-0123456789abcdef01234567",
            Headers = [.. Get.Headers, KeyValuePair.Create("X-Forwarded-For", "192.0.2.7")],
        });
        var http = EventBuilder.Build(EventFormat.HttpApiV2, Get with { Port = 5010 });

        Assert.Equal("192.0.2.7, 10.0.0.1", rest["headers"]!["X-Forwarded-For"]!.GetValue<string>());
        Assert.Equal(("5010", "http"), (rest["headers"]!["X-Forwarded-Port"]!.GetValue<string>(), rest["headers"]!["X-Forwarded-Proto"]!.GetValue<string>()));
        Assert.Equal("Root=1-65536000-0123456789abcdef01234567", rest["multiValueHeaders"]!["X-Amzn-Trace-Id"]![0]!.GetValue<string>());
        Assert.Equal("10.0.0.1", http["headers"]!["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("127.0.0.1:5010", http["headers"]!["host"]!.GetValue<string>());
    }

    [Fact]
    public void Payload_v2_leaves_out_what_is_absent_and_rest_sends_null()
    {
        var post = Get with { Method = "POST", RawQuery = "a=1", Body = Encoding.UTF8.GetBytes("{}"), Headers = [.. Get.Headers, KeyValuePair.Create("Cookie", "s=1"), KeyValuePair.Create("Content-Type", "application/json")] };

        var full = EventBuilder.Build(EventFormat.HttpApiV2, post);
        var bare = EventBuilder.Build(EventFormat.HttpApiV2, Get);
        var rest = EventBuilder.Build(EventFormat.RestApiV1, Get);

        Assert.Equal(("{}", """["s=1"]""", "1"), (full["body"]!.GetValue<string>(), full["cookies"]!.ToJsonString(), full["queryStringParameters"]!["a"]!.GetValue<string>()));
        Assert.All(new[] { "body", "cookies", "queryStringParameters" }, key => Assert.False(bare.ContainsKey(key), key));
        Assert.All(new[] { "body", "queryStringParameters", "multiValueQueryStringParameters" }, key => Assert.True(rest.ContainsKey(key) && rest[key] is null, key));
    }

    /// <summary>The real sample events (read, never copied into the repository): ours has the same keys of the same kinds.</summary>
    [Theory]
    [InlineData(EventFormat.RestApiV1, "apigw-rest-no-auth.json")]
    [InlineData(EventFormat.HttpApiV2, "dotnet-httpapi-v2-with-stage.json")]
    [InlineData(EventFormat.FunctionUrl, "lambda-url-get-request.json")]
    public void Matches_the_real_sample_event(EventFormat format, string sample)
    {
        var folder = SampleFolder();
        // Not a tool .ci/run could install: a clone without the reference folder beside it skips, on CI too.
        Assert.SkipWhen(folder is null, "the real AWS sample events (shared/reference/lambda-events beside the repository) are not here");
        var real = JsonNode.Parse(File.ReadAllText(Path.Combine(folder!, sample)))!.AsObject();

        // The samples' path parameters and stage variables may be null or maps: the caller's data, not the shape.
        Assert.Equal(Shape(real, relaxed: true), Shape(EventBuilder.Build(format, Get), relaxed: true));
    }

    private static string? SampleFolder()
    {
        for (var dir = new DirectoryInfo(ExternalTools.RepositoryPath()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference", "lambda-events");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static readonly HashSet<string> CallerMaps = ["headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables"];

    private static List<string> Shape(JsonObject e, bool relaxed = false) => [.. Leaves(e, "", relaxed).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> Leaves(JsonObject o, string prefix, bool relaxed)
    {
        foreach (var (key, value) in o)
        {
            var path = prefix + key;
            if (prefix.Length == 0 && CallerMaps.Contains(key))
            {
                var kind = value is JsonObject ? "o" : value is null ? "0" : "?";
                yield return path + ":" + (relaxed && kind == "0" && key is "pathParameters" or "stageVariables" ? "o" : kind);
            }
            else if (value is JsonObject inner)
            {
                foreach (var leaf in Leaves(inner, path + ".", relaxed))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path + ":" + (value?.GetValueKind() switch
                {
                    null => "0",
                    System.Text.Json.JsonValueKind.String => "s",
                    System.Text.Json.JsonValueKind.Number => "n",
                    System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "b",
                    var kind => kind.ToString(),
                });
            }
        }
    }
}
