using System.Buffers;
using System.Text;

namespace BedrockNovaProxy.Lambda;

/// <summary>HTTP responses -> what the Lambda Runtime API takes back. Pure. Buffered: the proxy-integration response
/// JSON of each event source. Streaming: the `application/vnd.awslambda.http-integration-response` prelude
/// (status, headers, cookies as JSON) that precedes the body, followed by 8 NUL bytes.</summary>
public static class LambdaResponses
{
    public static readonly byte[] PreludeDelimiter = new byte[8];

    /// <summary>Content types whose bodies go out as text; everything else (or any Content-Encoding) is base64.</summary>
    public static bool IsText(string? contentType, string? contentEncoding)
    {
        if (!string.IsNullOrEmpty(contentEncoding))
        {
            return false;
        }

        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType.StartsWith("text/", StringComparison.Ordinal)
            || mediaType is "application/json" or "application/xml" or "application/javascript" or "application/x-www-form-urlencoded"
            || mediaType.EndsWith("+json", StringComparison.Ordinal) || mediaType.EndsWith("+xml", StringComparison.Ordinal);
    }

    public static byte[] Buffered(LambdaRequest request, int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body)
    {
        var contentType = Find(headers, "Content-Type");
        var text = IsText(contentType, Find(headers, "Content-Encoding"));
        var buffer = new ArrayBufferWriter<byte>(body.Length + 512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("statusCode", statusCode);
            switch (request.Format)
            {
                case LambdaEventFormat.RestApiV1:
                    WriteMultiValue(json, headers);
                    break;
                case LambdaEventFormat.HttpApiV2:
                    WriteSingleValue(json, headers.Where(h => !IsSetCookie(h)).ToList());
                    WriteCookies(json, headers);
                    break;
                case LambdaEventFormat.Alb:
                    json.WriteString("statusDescription", $"{statusCode} {ReasonPhrase(statusCode)}");
                    if (request.MultiValue)
                    {
                        WriteMultiValue(json, headers);
                    }
                    else
                    {
                        WriteSingleValue(json, headers);
                    }

                    break;
            }

            json.WriteString("body", text ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body));
            json.WriteBoolean("isBase64Encoded", !text);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The streaming prelude. API Gateway REST reads multiValueHeaders; Function URLs read headers and
    /// cookies. Content-Length and Transfer-Encoding are dropped: the body is chunked by Lambda, and API Gateway
    /// answers 502 to a Content-Length that disagrees with it.</summary>
    public static byte[] Prelude(LambdaRequest request, int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var kept = headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
            && !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).ToList();
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("statusCode", statusCode);
            if (request.Format == LambdaEventFormat.RestApiV1)
            {
                WriteMultiValue(json, kept.Where(h => !IsSetCookie(h)).ToList());
            }
            else
            {
                WriteSingleValue(json, kept.Where(h => !IsSetCookie(h)).ToList());
            }

            WriteCookies(json, kept);
            json.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, .. PreludeDelimiter];
    }

    private static void WriteSingleValue(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        json.WriteStartObject("headers");
        foreach (var group in headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            json.WriteString(group.Key, string.Join(", ", group.Select(h => h.Value)));
        }

        json.WriteEndObject();
    }

    private static void WriteMultiValue(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        json.WriteStartObject("multiValueHeaders");
        foreach (var group in headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            json.WriteStartArray(group.Key);
            foreach (var header in group)
            {
                json.WriteStringValue(header.Value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteCookies(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var cookies = headers.Where(IsSetCookie).ToList();
        if (cookies.Count == 0)
        {
            return;
        }

        json.WriteStartArray("cookies");
        foreach (var cookie in cookies)
        {
            json.WriteStringValue(cookie.Value);
        }

        json.WriteEndArray();
    }

    private static bool IsSetCookie(KeyValuePair<string, string> header) => header.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string ReasonPhrase(int statusCode) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } phrase ? phrase : "Unknown";
}
