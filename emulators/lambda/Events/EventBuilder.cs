using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Lambda.Events;

/// <summary>An HTTP request as the front received it. <paramref name="Path"/> excludes the stage;
/// <paramref name="RawQuery"/> excludes the '?'. <see cref="Port"/> is the front's, for X-Forwarded-Port.</summary>
public sealed record FrontRequest(
    string Method,
    string Stage,
    string Path,
    string RawQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string SourceIp,
    string RequestId,
    DateTimeOffset Now)
{
    public string Protocol { get; init; } = "HTTP/1.1";

    public int Port { get; init; } = 443;

    /// <summary>The X-Ray trace header API Gateway adds (X-Amzn-Trace-Id), "Root=1-...".</summary>
    public string TraceRoot { get; init; } = "Root=1-00000000-000000000000000000000000";
}

/// <summary>Builds the Lambda event for each integration, key for key as AWS sends it: REST API proxy integration
/// (payload 1.0; set-up-lambda-proxy-integrations.html), HTTP API payload 2.0 (http-api-develop-integrations-lambda.html)
/// and Function URLs (urls-invocation.html), checked against real sample events (LambdaEmulator.Tests). REST sends null
/// for what is absent; payload 2.0 leaves the key out. Pure.</summary>
public static class EventBuilder
{
    public const string AccountId = "123456789012";
    public const string ApiId = "local0api0";

    /// <summary>API Gateway's request time format, "17/Jun/2024:14:48:13 +0000".</summary>
    private const string TimeFormat = "dd/MMM/yyyy:HH:mm:ss +0000";

    public static JsonObject Build(EventFormat format, FrontRequest request) => format switch
    {
        EventFormat.RestApiV1 => RestApiV1(request),
        _ => PayloadV2(request, format == EventFormat.FunctionUrl),
    };

    public static JsonObject RestApiV1(FrontRequest r)
    {
        var query = Query(r.RawQuery);
        var (body, base64) = Body(r);
        var proxy = r.Path.TrimStart('/');
        var headers = Forwarded(r, lowerCase: false);
        var domain = DomainName(r);
        return new JsonObject
        {
            ["resource"] = "/{proxy+}",
            ["path"] = r.Path,
            ["httpMethod"] = r.Method,
            ["headers"] = new JsonObject(headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Last().Value))),
            ["multiValueHeaders"] = new JsonObject(headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Select(h => (JsonNode?)h.Value)])))),
            ["queryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Last().Value))),
            ["multiValueQueryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Select(q => (JsonNode?)q.Value)])))),
            ["pathParameters"] = proxy.Length == 0 ? null : new JsonObject { ["proxy"] = proxy },
            ["stageVariables"] = new JsonObject { ["lambdaAlias"] = r.Stage },
            ["requestContext"] = new JsonObject
            {
                ["resourceId"] = Id(r.RequestId, 6),
                ["resourcePath"] = "/{proxy+}",
                ["httpMethod"] = r.Method,
                ["extendedRequestId"] = ExtendedId(r.RequestId),
                ["requestTime"] = r.Now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
                ["path"] = "/" + r.Stage + r.Path,
                ["accountId"] = AccountId,
                ["protocol"] = r.Protocol,
                ["stage"] = r.Stage,
                ["domainPrefix"] = domain.Split('.')[0],
                ["requestTimeEpoch"] = r.Now.ToUnixTimeMilliseconds(),
                ["requestId"] = r.RequestId,
                // Without an authorizer or IAM authentication, API Gateway sends every identity field, null but these two.
                ["identity"] = new JsonObject
                {
                    ["cognitoIdentityPoolId"] = null,
                    ["accountId"] = null,
                    ["cognitoIdentityId"] = null,
                    ["caller"] = null,
                    ["sourceIp"] = r.SourceIp,
                    ["principalOrgId"] = null,
                    ["accessKey"] = null,
                    ["cognitoAuthenticationType"] = null,
                    ["cognitoAuthenticationProvider"] = null,
                    ["userArn"] = null,
                    ["userAgent"] = UserAgent(r),
                    ["user"] = null,
                },
                ["domainName"] = domain,
                ["deploymentId"] = Id(r.Stage, 6),
                ["apiId"] = ApiId,
            },
            ["body"] = body,
            ["isBase64Encoded"] = base64,
        };
    }

    public static JsonObject PayloadV2(FrontRequest r, bool functionUrl)
    {
        var cookies = r.Headers.Where(h => h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var headers = Forwarded(r, lowerCase: true).Where(h => h.Key != "cookie")
            .GroupBy(h => h.Key)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)string.Join(',', g.Select(h => h.Value))));
        var query = Query(r.RawQuery);
        var (body, base64) = Body(r);
        var rawPath = functionUrl ? r.Path : "/" + r.Stage + r.Path;
        var routeKey = functionUrl ? "$default" : "ANY /{proxy+}";
        var domain = DomainName(r);
        var e = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = routeKey,
            ["rawPath"] = rawPath,
            ["rawQueryString"] = r.RawQuery,
        };
        if (cookies.Count > 0)
        {
            e["cookies"] = new JsonArray([.. cookies.Select(c => (JsonNode?)c)]);
        }

        e["headers"] = new JsonObject(headers);
        if (query.Count > 0)
        {
            e["queryStringParameters"] = new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)string.Join(',', g.Select(q => q.Value)))));
        }

        e["requestContext"] = new JsonObject
        {
            ["accountId"] = AccountId,
            ["apiId"] = ApiId,
            ["domainName"] = domain,
            ["domainPrefix"] = domain.Split('.')[0],
            ["http"] = new JsonObject
            {
                ["method"] = r.Method,
                ["path"] = rawPath,
                ["protocol"] = r.Protocol,
                ["sourceIp"] = r.SourceIp,
                ["userAgent"] = UserAgent(r),
            },
            ["requestId"] = r.RequestId,
            ["routeKey"] = routeKey,
            ["stage"] = functionUrl ? "$default" : r.Stage,
            ["time"] = r.Now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
            ["timeEpoch"] = r.Now.ToUnixTimeMilliseconds(),
        };
        if (!functionUrl)
        {
            e["pathParameters"] = new JsonObject { ["proxy"] = r.Path.TrimStart('/') };
            e["stageVariables"] = new JsonObject { ["lambdaAlias"] = r.Stage };
        }

        if (body is not null)
        {
            e["body"] = body;
        }

        e["isBase64Encoded"] = base64;
        return e;
    }

    /// <summary>The client's headers and those API Gateway adds: X-Forwarded-For (the client's address appended),
    /// -Port, -Proto and X-Amzn-Trace-Id. HTTP API and Function URLs lower-case every name.</summary>
    private static List<KeyValuePair<string, string>> Forwarded(FrontRequest r, bool lowerCase)
    {
        string Name(string name) => lowerCase ? name.ToLowerInvariant() : name;
        var forwardedFor = r.Headers.LastOrDefault(h => h.Key.Equals("x-forwarded-for", StringComparison.OrdinalIgnoreCase)).Value;
        var added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Amzn-Trace-Id"] = r.TraceRoot,
            ["X-Forwarded-For"] = forwardedFor is { Length: > 0 } ? $"{forwardedFor}, {r.SourceIp}" : r.SourceIp,
            ["X-Forwarded-Port"] = r.Port.ToString(CultureInfo.InvariantCulture),
            ["X-Forwarded-Proto"] = "http",
        };
        return [
            .. r.Headers.Where(h => !added.ContainsKey(h.Key)).Select(h => KeyValuePair.Create(Name(h.Key), h.Value)),
            .. added.Select(h => KeyValuePair.Create(Name(h.Key), h.Value)),
        ];
    }

    /// <summary>The host the client called (API Gateway's own domain name in AWS), without a port.</summary>
    private static string DomainName(FrontRequest r)
    {
        var host = r.Headers.LastOrDefault(h => h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)).Value;
        return string.IsNullOrEmpty(host) ? "localhost" : host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
    }

    private static string UserAgent(FrontRequest r) => r.Headers.LastOrDefault(h => h.Key.Equals("user-agent", StringComparison.OrdinalIgnoreCase)).Value ?? "";

    /// <summary>A short lower-case id (resourceId, deploymentId) derived from a seed, stable for the same seed.</summary>
    private static string Id(string seed, int length) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..length];

    /// <summary>API Gateway's extendedRequestId: 11 bytes in base64, like "ZhDrKF5dDoEEHfA=" (16 characters).</summary>
    private static string ExtendedId(string requestId) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(requestId))[..11]);

    /// <summary>Text bodies go as they are; anything else base64, as API Gateway does with binary media types.</summary>
    private static (string? Body, bool Base64) Body(FrontRequest r)
    {
        if (r.Body.Length == 0)
        {
            return (null, false);
        }

        var type = r.Headers.LastOrDefault(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)).Value ?? "";
        var text = type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.Contains("json", StringComparison.OrdinalIgnoreCase)
            || type.Contains("xml", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        return text ? (Encoding.UTF8.GetString(r.Body), false) : (Convert.ToBase64String(r.Body), true);
    }

    private static List<KeyValuePair<string, string>> Query(string raw) => raw
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Select(kv => KeyValuePair.Create(Uri.UnescapeDataString(kv[0].Replace('+', ' ')), Uri.UnescapeDataString((kv.Length > 1 ? kv[1] : "").Replace('+', ' '))))
        .ToList();
}
