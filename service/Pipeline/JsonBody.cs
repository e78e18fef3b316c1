using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.OpenAi;
using Microsoft.AspNetCore.Http.Features;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Reads a JSON request body into a source-generated type, within the body size limit. Malformed JSON
/// and wrong types become a 400 that names the field ("messages[0].role") and what was expected there.</summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, long limit, CancellationToken cancellationToken)
        where T : class
    {
        CheckHeaders(request);
        var (buffer, length) = await ReadBytesAsync(request, limit, cancellationToken).ConfigureAwait(false);
        try
        {
            // Nothing deserialized refers to the buffer (JsonElement members are copies), so it goes back to the pool.
            return Parse(buffer.AsMemory(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static T Parse<T>(ReadOnlyMemory<byte> bytes, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (bytes.IsEmpty)
        {
            throw new OpenAiException(OpenAiError.Invalid("The request body is empty; expected a JSON object."));
        }

        if (JsonBodyRules.Check(bytes.Span) is { } broken)
        {
            throw new OpenAiException(broken);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.Span, typeInfo)
                ?? throw new OpenAiException(OpenAiError.Invalid("The request body is JSON null; expected a JSON object."));
        }
        catch (JsonException e)
        {
            throw new OpenAiException(Describe(e, bytes, typeInfo));
        }
    }

    /// <summary>The body must say it is JSON, in UTF-8 (JSON's only encoding on the wire), and not be compressed: the
    /// proxy inflates nothing a client sends (no decompression bombs), and OpenAI's API takes plain JSON.</summary>
    private static void CheckHeaders(HttpRequest request)
    {
        if (request.Headers.ContentEncoding is { Count: > 0 } encoding
            && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new OpenAiException(new OpenAiError(415, $"Content-Encoding '{encoding}' is not supported: send the JSON body uncompressed.",
                OpenAiError.InvalidRequestType, null, "unsupported_content_encoding"));
        }

        var type = request.ContentType;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            || (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)))
        {
            throw new OpenAiException(new OpenAiError(415,
                $"Content-Type must be application/json (in UTF-8), but got {(string.IsNullOrEmpty(type) ? "none" : $"'{type}'")}.",
                OpenAiError.InvalidRequestType, null, "unsupported_media_type"));
        }
    }

    /// <summary>The body in a buffer rented from the shared pool (the caller returns it): sized from Content-Length
    /// when given, so a body is read without copies, and grown by doubling otherwise.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw new OpenAiException(OpenAiError.TooLarge(limit));
        }

        // Kestrel enforces the same limit on chunked bodies; other servers (Lambda) get it checked here too.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        // One byte more than announced, so the end of the body is read without growing the buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } announced ? (int)announced + 1 : 4096);
        var length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new OpenAiException(OpenAiError.TooLarge(limit));
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return (buffer, length);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new OpenAiException(OpenAiError.TooLarge(limit));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Turns System.Text.Json's exception into OpenAI's words. The expected type comes from the
    /// source-generated metadata along the failing path; what was sent comes from the body itself.</summary>
    internal static OpenAiError Describe<T>(JsonException e, ReadOnlyMemory<byte> body, JsonTypeInfo<T> typeInfo)
    {
        var segments = JsonPath.Parse(e.Path);
        var param = JsonPath.Format(segments);
        var expected = segments.Count == 0 ? null : ExpectedAt(typeInfo, segments);
        var actual = ActualAt(body, segments);
        if (expected is not null && actual is not null && param.Length > 0)
        {
            return OpenAiError.Invalid($"Invalid type for '{param}': expected {expected}, but got {actual} instead.", param, "invalid_type");
        }

        if (segments.Count == 0 && actual is not null and not "an object")
        {
            return OpenAiError.Invalid($"The request body must be a JSON object, but got {actual} instead.");
        }

        var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        return OpenAiError.Invalid(
            $"We could not parse the JSON body of your request{where}: expected a JSON object as described in the OpenAI API reference.",
            param.Length > 0 ? param : null);
    }

    private static string? ExpectedAt(JsonTypeInfo root, List<object> segments)
    {
        var info = root;
        foreach (var segment in segments)
        {
            var next = segment switch
            {
                string name => info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType,
                _ => info.ElementType,
            };
            if (next is null)
            {
                return null;
            }

            info = root.Options.GetTypeInfo(next);
        }

        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "a boolean",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(JsonElement) => null,
            _ => info.Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
                _ => null,
            },
        };
    }

    private static string? ActualAt(ReadOnlyMemory<byte> body, List<object> segments)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var element = doc.RootElement;
            foreach (var segment in segments)
            {
                if (segment is string name && element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
                {
                    element = child;
                }
                else if (segment is int index && element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength())
                {
                    element = element[index];
                }
                else
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.Number
                ? element.TryGetInt64(out _) ? "an integer" : "a number"
                : Translation.JsonHelpers.Describe(element.ValueKind);
        }
        catch (JsonException)
        {
            return null; // the body is not JSON at all
        }
    }
}
