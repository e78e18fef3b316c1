using System.Buffers;
using System.Globalization;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>The size limits of a chat request beyond its body size: messages, text per message, images and documents
/// (count and decoded size of each), and all media together. Pure and cheap (sizes come from string lengths, nothing
/// is decoded), so it runs on the parsed request before any image is fetched or Bedrock is called, and again after
/// fetched images were inlined. Shapes it does not understand are left to <see cref="ChatRequestTranslator"/>, which
/// names them better; it only ever throws a limit's error.</summary>
public static class RequestLimits
{
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n");

    public static void Check(ChatCompletionRequest request, LimitsOptions limits)
    {
        if (request.Messages is not { } messages)
        {
            return;
        }

        if (messages.Count > limits.MaxMessages)
        {
            throw Refused($"Invalid 'messages': array too long. Expected an array with at most {Number(limits.MaxMessages)} messages, but got {Number(messages.Count)}.",
                "messages", "array_too_long");
        }

        var (images, documents, media) = (0, 0, 0L);
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i]?.Content is not { } content)
            {
                continue;
            }

            var param = $"messages[{i}].content";
            long chars = 0;
            if (content.ValueKind == JsonValueKind.String)
            {
                chars = content.GetString()!.Length;
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                var j = -1;
                foreach (var part in content.EnumerateArray())
                {
                    j++;
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var partParam = $"{param}[{j}]";
                    switch (type.GetString())
                    {
                        case "text" or "refusal":
                            chars += StringAt(part, type.GetString()!)?.Length ?? 0;
                            break;
                        case "image_url":
                            if (++images > limits.MaxImages)
                            {
                                throw Refused($"Too many images: at most {Number(limits.MaxImages)} are allowed in one request; '{partParam}' is image number {Number(images)}.",
                                    $"{partParam}.image_url", "too_many_images");
                            }

                            media += CheckSize(ImageUrl(part), $"{partParam}.image_url", "image", limits.MaxImageBytes, "image_too_large");
                            break;
                        case "file":
                            if (++documents > limits.MaxDocuments)
                            {
                                throw Refused($"Too many documents: at most {Number(limits.MaxDocuments)} are allowed in one request; '{partParam}' is document number {Number(documents)}.",
                                    $"{partParam}.file", "too_many_documents");
                            }

                            var data = part.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object ? StringAt(file, "file_data") : null;
                            media += CheckSize(data, $"{partParam}.file.file_data", "document", limits.MaxDocumentBytes, "document_too_large");
                            break;
                    }
                }
            }

            if (chars > limits.MaxMessageChars)
            {
                throw Refused($"Invalid '{param}': the message's text is {Number(chars)} characters long, over the limit of {Number(limits.MaxMessageChars)} characters.",
                    param, "string_too_long");
            }

            if (media > limits.MaxMediaBytes)
            {
                throw new OpenAiException(new OpenAiError(413,
                    $"Request too large: its images and documents come to more than {Number(limits.MaxMediaBytes)} bytes (at least {Number(media)} bytes by '{param}').",
                    OpenAiError.InvalidRequestType, "messages", "request_too_large"));
            }
        }
    }

    /// <summary>The bytes a base64 data URL decodes to, or null for anything else (remote URLs, malformed data).</summary>
    public static long? DecodedSize(string? dataUrl)
    {
        if (dataUrl is null || !dataUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var comma = dataUrl.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !dataUrl.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Base64Size(dataUrl.AsSpan(comma + 1));
    }

    /// <summary>The bytes base64 text decodes to (whitespace ignored), from its length alone.</summary>
    public static long Base64Size(ReadOnlySpan<char> data)
    {
        long length = data.Length;
        if (data.ContainsAny(Whitespace))
        {
            length -= data.Count(' ') + data.Count('\t') + data.Count('\r') + data.Count('\n');
        }

        var trimmed = data.TrimEnd(" \t\r\n");
        var padding = trimmed.EndsWith("==") ? 2 : trimmed.EndsWith("=") ? 1 : 0;
        return Math.Max(0, (length * 3 / 4) - padding);
    }

    private static long CheckSize(string? dataUrl, string param, string what, long limit, string code)
    {
        var size = DecodedSize(dataUrl) ?? 0;
        if (size > limit)
        {
            throw Refused($"Invalid '{param}': the {what} is {Number(size)} bytes, over the limit of {Number(limit)} bytes per {what}.", param, code);
        }

        return size;
    }

    /// <summary>{"image_url":{"url":"..."}} or, as some clients send it, {"image_url":"..."}.</summary>
    private static string? ImageUrl(JsonElement part) =>
        part.TryGetProperty("image_url", out var image) ? image.ValueKind switch
        {
            JsonValueKind.String => image.GetString(),
            JsonValueKind.Object => StringAt(image, "url"),
            _ => null,
        } : null;

    private static string? StringAt(JsonElement obj, string member) =>
        obj.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static OpenAiException Refused(string message, string param, string code) => new(OpenAiError.Invalid(message, param, code));

    /// <summary>A count or size as error messages write it (1,048,576).</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
