using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Lambda.Events;

/// <summary>The HTTP answer a function's result turns into.</summary>
public sealed record HttpAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>Turns a function's result into HTTP as API Gateway does: the proxy response object
/// {statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded}; for payload 2.0 a result without
/// statusCode is a JSON body answered with 200. Anything else is malformed (null: the front answers 502). Pure.</summary>
public static class ProxyResponse
{
    public static HttpAnswer? Parse(ReadOnlySpan<byte> payload, EventFormat format)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }

        var v2 = format != EventFormat.RestApiV1;
        if (node is not JsonObject result || result["statusCode"] is null)
        {
            // Payload 2.0 infers a response from any valid JSON that is not a response object.
            return v2 && node is not null ? new HttpAnswer(200, [KeyValuePair.Create("Content-Type", "application/json")], Encoding.UTF8.GetBytes(node.ToJsonString())) : null;
        }

        if (result["statusCode"]!.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        var headers = Headers(result);
        if (headers is null)
        {
            return null;
        }

        var body = result["body"] is { } b && b.GetValueKind() == JsonValueKind.String ? b.GetValue<string>() : "";
        byte[] bytes;
        try
        {
            bytes = result["isBase64Encoded"]?.GetValueKind() == JsonValueKind.True ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
        }
        catch (FormatException)
        {
            return null;
        }

        return new HttpAnswer(result["statusCode"]!.GetValue<int>(), headers, bytes);
    }

    /// <summary>headers (single values), multiValueHeaders (lists) and cookies (Set-Cookie each) of a response or of a
    /// streaming prelude; null when one of them is not the right shape.</summary>
    public static List<KeyValuePair<string, string>>? Headers(JsonObject result)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (result["headers"] is JsonObject single)
        {
            headers.AddRange(single.Select(h => KeyValuePair.Create(h.Key, h.Value?.ToString() ?? "")));
        }
        else if (result["headers"] is not null)
        {
            return null;
        }

        if (result["multiValueHeaders"] is JsonObject multi)
        {
            foreach (var (name, values) in multi)
            {
                if (values is not JsonArray list)
                {
                    return null;
                }

                headers.RemoveAll(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
                headers.AddRange(list.Select(v => KeyValuePair.Create(name, v?.ToString() ?? "")));
            }
        }

        if (result["cookies"] is JsonArray cookies)
        {
            headers.AddRange(cookies.Select(c => KeyValuePair.Create("Set-Cookie", c?.ToString() ?? "")));
        }

        return headers;
    }
}
