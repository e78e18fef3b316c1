using System.Text;

namespace BedrockNovaProxy.Lambda;

public enum LambdaEventFormat
{
    /// <summary>API Gateway REST API, Lambda proxy integration (payload 1.0).</summary>
    RestApiV1,

    /// <summary>API Gateway HTTP API payload 2.0, which Lambda Function URLs use too.</summary>
    HttpApiV2,

    /// <summary>Application Load Balancer target (single- or multi-value headers).</summary>
    Alb,
}

/// <summary>An HTTP request carried by a Lambda event, ready to become ASP.NET Core request features.</summary>
/// <param name="MultiValue">ALB only: the target group sends (and expects back) multi-value headers.</param>
public sealed record LambdaRequest(
    LambdaEventFormat Format,
    string Method,
    string PathBase,
    string Path,
    string QueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string? SourceIp,
    string? ApiRequestId,
    bool MultiValue = false);

/// <summary>Lambda event JSON -> <see cref="LambdaRequest"/>, for every HTTP event source. Pure. Shapes:
/// aws-lambda-dotnet APIGatewayProxyRequest / APIGatewayHttpApiV2ProxyRequest / ApplicationLoadBalancerRequest,
/// rules: its APIGatewayProxyFunction / APIGatewayHttpApiV2ProxyFunction / ApplicationLoadBalancerFunction
/// (see ../shared/reference/lambda-runtime-and-aspire.md §2.2 and §2.5).</summary>
public static class LambdaEvents
{
    public static LambdaRequest Parse(ReadOnlySpan<byte> eventJson)
    {
        using var doc = JsonDocument.Parse(eventJson.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LambdaEventException("The invocation event is not a JSON object.");
        }

        var context = root.TryGetProperty("requestContext", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        if (String(root, "version") == "2.0")
        {
            return ParseV2(root, context);
        }

        if (context.ValueKind == JsonValueKind.Object && context.TryGetProperty("elb", out _))
        {
            return ParseAlb(root);
        }

        if (String(root, "httpMethod") is null)
        {
            throw new LambdaEventException("The invocation event is not an HTTP event (API Gateway REST or HTTP API, Function URL, or ALB).");
        }

        return ParseRestV1(root, context);
    }

    private static LambdaRequest ParseRestV1(JsonElement root, JsonElement context)
    {
        // The route path comes from the resource template with its parameters filled in: that stays right behind a
        // custom domain with a base path mapping, where `path` would still hold the base path.
        var path = ResourcePath(root) ?? String(root, "path") ?? "/";
        path = EnsureSlash(Uri.UnescapeDataString(path.Replace("+", "%2B", StringComparison.Ordinal)));

        var requestPath = context.ValueKind == JsonValueKind.Object ? String(context, "path") : null;
        var pathBase = requestPath is not null && requestPath.Length > path.Length && requestPath.EndsWith(path, StringComparison.Ordinal)
            ? requestPath[..^path.Length]
            : "";

        return new LambdaRequest(
            LambdaEventFormat.RestApiV1,
            String(root, "httpMethod")!,
            pathBase.TrimEnd('/'),
            path,
            Query(root, encode: true),
            Headers(root),
            Body(root),
            context.ValueKind == JsonValueKind.Object && context.TryGetProperty("identity", out var identity) ? String(identity, "sourceIp") : null,
            context.ValueKind == JsonValueKind.Object ? String(context, "requestId") : null);
    }

    private static LambdaRequest ParseV2(JsonElement root, JsonElement context)
    {
        var http = context.ValueKind == JsonValueKind.Object && context.TryGetProperty("http", out var h) ? h : default;
        var method = http.ValueKind == JsonValueKind.Object ? String(http, "method") : null;
        var path = EnsureSlash(Uri.UnescapeDataString(
            (http.ValueKind == JsonValueKind.Object ? String(http, "path") : null) ?? String(root, "rawPath") ?? "/"));

        // A named stage prefixes the path ("/prod/v1/..."); the $default stage does not.
        var stage = context.ValueKind == JsonValueKind.Object ? String(context, "stage") : null;
        var pathBase = "";
        if (stage is { Length: > 0 } && stage != "$default" && path.StartsWith("/" + stage + "/", StringComparison.Ordinal))
        {
            pathBase = "/" + stage;
            path = path[pathBase.Length..];
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("headers", out var hs) && hs.ValueKind == JsonValueKind.Object)
        {
            // Payload 2.0 joins repeated headers with commas; they are kept joined (a comma may be part of a value).
            headers.AddRange(hs.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => KeyValuePair.Create(Name(p), Text(p.Value)!)));
        }

        if (root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array && cookies.GetArrayLength() > 0)
        {
            headers.Add(KeyValuePair.Create("cookie", string.Join("; ", cookies.EnumerateArray().Select(Text).OfType<string>())));
        }

        var rawQuery = String(root, "rawQueryString");
        return new LambdaRequest(
            LambdaEventFormat.HttpApiV2,
            method ?? throw new LambdaEventException("The payload 2.0 event has no requestContext.http.method."),
            pathBase,
            path,
            string.IsNullOrEmpty(rawQuery) ? "" : "?" + rawQuery,
            headers,
            Body(root),
            http.ValueKind == JsonValueKind.Object ? String(http, "sourceIp") : null,
            String(context, "requestId"));
    }

    private static LambdaRequest ParseAlb(JsonElement root)
    {
        var multiValue = root.TryGetProperty("multiValueHeaders", out var mv) && mv.ValueKind == JsonValueKind.Object;
        var headers = Headers(root);
        var sourceIp = headers.FirstOrDefault(h => h.Key.Equals("x-forwarded-for", StringComparison.OrdinalIgnoreCase)).Value?.Split(',')[0].Trim();
        return new LambdaRequest(
            LambdaEventFormat.Alb,
            String(root, "httpMethod")!,
            "",
            EnsureSlash(Uri.UnescapeDataString(String(root, "path") ?? "/")),
            Query(root, encode: false),
            headers,
            Body(root),
            sourceIp,
            headers.FirstOrDefault(h => h.Key.Equals("x-amzn-trace-id", StringComparison.OrdinalIgnoreCase)).Value,
            multiValue);
    }

    private static string? ResourcePath(JsonElement root)
    {
        var resource = String(root, "resource");
        if (resource is null || !root.TryGetProperty("pathParameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return resource is not null && !resource.Contains('{', StringComparison.Ordinal) ? resource : null;
        }

        foreach (var parameter in parameters.EnumerateObject())
        {
            var value = Text(parameter.Value) ?? "";
            var name = Name(parameter);
            resource = resource.Replace("{" + name + "+}", value, StringComparison.Ordinal)
                .Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return resource.Contains('{', StringComparison.Ordinal) ? null : resource;
    }

    private static List<KeyValuePair<string, string>> Headers(JsonElement root)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in multi.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.Array))
            {
                headers.AddRange(header.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => KeyValuePair.Create(Name(header), Text(v)!)));
            }
        }
        else if (root.TryGetProperty("headers", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            headers.AddRange(single.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.String).Select(h => KeyValuePair.Create(Name(h), Text(h.Value)!)));
        }

        return headers;
    }

    /// <summary>API Gateway hands query values decoded; ALB hands them as received (still encoded).</summary>
    private static string Query(JsonElement root, bool encode)
    {
        var pairs = new List<string>();
        if (root.TryGetProperty("multiValueQueryStringParameters", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            foreach (var parameter in multi.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
            {
                pairs.AddRange(parameter.Value.EnumerateArray().Select(v => Pair(Name(parameter), Text(v) ?? "", encode)));
            }
        }
        else if (root.TryGetProperty("queryStringParameters", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            pairs.AddRange(single.EnumerateObject().Select(p => Pair(Name(p), Text(p.Value) ?? "", encode)));
        }

        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }

    private static string Pair(string name, string value, bool encode) =>
        encode ? Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value) : name + "=" + value;

    private static byte[] Body(JsonElement root)
    {
        var body = String(root, "body");
        if (string.IsNullOrEmpty(body))
        {
            return [];
        }

        if (root.TryGetProperty("isBase64Encoded", out var b64) && b64.ValueKind == JsonValueKind.True)
        {
            try
            {
                return Convert.FromBase64String(body);
            }
            catch (FormatException)
            {
                throw new LambdaEventException("The event body is marked isBase64Encoded but is not valid base64.");
            }
        }

        return Encoding.UTF8.GetBytes(body);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Text(value) : null;

    /// <summary>A string value, or null for any other kind. Text that is not valid Unicode (a lone surrogate escape)
    /// refuses the event: GetString's own InvalidOperationException would end the worker's loop.</summary>
    private static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new LambdaEventException("The invocation event holds text that is not valid Unicode.");
        }
    }

    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw new LambdaEventException("The invocation event holds a name that is not valid Unicode.");
        }
    }

    private static string EnsureSlash(string path) => path.StartsWith('/') ? path : "/" + path;
}

public sealed class LambdaEventException(string message) : Exception(message);
