using System.Text;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Lambda.Events;

/// <summary>An HTTP request as the front received it. <paramref name="Path"/> excludes the stage;
/// <paramref name="RawQuery"/> excludes the '?'.</summary>
public sealed record FrontRequest(
    string Method,
    string Stage,
    string Path,
    string RawQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string SourceIp,
    string RequestId,
    DateTimeOffset Now);

/// <summary>Builds the Lambda event for each integration, in the shapes AWS documents: REST API proxy integration
/// (payload 1.0; set-up-lambda-proxy-integrations.html), HTTP API payload 2.0 (http-api-develop-integrations-lambda.html)
/// and Function URLs (urls-invocation.html). Pure.</summary>
public static class EventBuilder
{
    public const string AccountId = "123456789012";
    public const string ApiId = "local0api0";

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
        return new JsonObject
        {
            ["resource"] = "/{proxy+}",
            ["path"] = r.Path,
            ["httpMethod"] = r.Method,
            ["headers"] = new JsonObject(r.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Last().Value))),
            ["multiValueHeaders"] = new JsonObject(r.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Select(h => (JsonNode?)h.Value)])))),
            ["queryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Last().Value))),
            ["multiValueQueryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Select(q => (JsonNode?)q.Value)])))),
            ["pathParameters"] = proxy.Length == 0 ? null : new JsonObject { ["proxy"] = proxy },
            ["stageVariables"] = new JsonObject { ["lambdaAlias"] = r.Stage },
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = AccountId,
                ["apiId"] = ApiId,
                ["resourcePath"] = "/{proxy+}",
                ["httpMethod"] = r.Method,
                ["path"] = "/" + r.Stage + r.Path,
                ["stage"] = r.Stage,
                ["requestId"] = r.RequestId,
                ["requestTimeEpoch"] = r.Now.ToUnixTimeMilliseconds(),
                ["protocol"] = "HTTP/1.1",
                ["identity"] = new JsonObject { ["sourceIp"] = r.SourceIp },
            },
            ["body"] = body,
            ["isBase64Encoded"] = base64,
        };
    }

    public static JsonObject PayloadV2(FrontRequest r, bool functionUrl)
    {
        var cookies = r.Headers.Where(h => h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var headers = r.Headers.Where(h => !h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase))
            .GroupBy(h => h.Key.ToLowerInvariant())
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)string.Join(',', g.Select(h => h.Value))));
        var query = Query(r.RawQuery);
        var (body, base64) = Body(r);
        var rawPath = functionUrl ? r.Path : "/" + r.Stage + r.Path;
        var e = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = functionUrl ? "$default" : "ANY /{proxy+}",
            ["rawPath"] = rawPath,
            ["rawQueryString"] = r.RawQuery,
            ["cookies"] = cookies.Count == 0 ? null : new JsonArray([.. cookies.Select(c => (JsonNode?)c)]),
            ["headers"] = new JsonObject(headers),
            ["queryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)string.Join(',', g.Select(q => q.Value))))),
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = AccountId,
                ["apiId"] = ApiId,
                ["domainName"] = "localhost",
                ["http"] = new JsonObject
                {
                    ["method"] = r.Method,
                    ["path"] = rawPath,
                    ["protocol"] = "HTTP/1.1",
                    ["sourceIp"] = r.SourceIp,
                    ["userAgent"] = r.Headers.LastOrDefault(h => h.Key.Equals("user-agent", StringComparison.OrdinalIgnoreCase)).Value ?? "",
                },
                ["requestId"] = r.RequestId,
                ["routeKey"] = functionUrl ? "$default" : "ANY /{proxy+}",
                ["stage"] = functionUrl ? "$default" : r.Stage,
                ["timeEpoch"] = r.Now.ToUnixTimeMilliseconds(),
            },
            ["body"] = body,
            ["isBase64Encoded"] = base64,
        };
        if (!functionUrl)
        {
            e["pathParameters"] = new JsonObject { ["proxy"] = r.Path.TrimStart('/') };
            e["stageVariables"] = new JsonObject { ["lambdaAlias"] = r.Stage };
        }

        return e;
    }

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
