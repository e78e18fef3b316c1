using System.Buffers.Text;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>A chat message's image_url and file parts -> Converse image and document blocks, on models that take
/// them. Only inline base64 data URLs: where a deployment allows remote images, Images/ has inlined them before. Pure.</summary>
internal static partial class ChatMedia
{
    public static ImageBlock Image(JsonElement part, string param, ModelSpec spec)
    {
        // {"type":"image_url","image_url":{"url":"..."}}; some clients send "image_url":"..." directly.
        var urlParam = $"{param}.image_url.url";
        var url = part.TryGetProperty("image_url", out var imageUrl) switch
        {
            true when imageUrl.ValueKind == JsonValueKind.String => imageUrl.GetString(),
            true when imageUrl.ValueKind == JsonValueKind.Object && imageUrl.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => throw Missing(urlParam),
        };

        if (!spec.Accepts(InputModalities.Image))
        {
            throw UnsupportedValue(param, $"{spec.DisplayName} does not accept image input; use a multimodal model such as Amazon Nova Lite or Pro.");
        }

        var match = DataUrlPattern().Match(url!);
        if (!match.Success)
        {
            throw url!.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                ? UnsupportedValue(urlParam, "Image URLs must be base64 data URLs (data:image/png;base64,...): this deployment does not fetch remote images.")
                : InvalidValue(urlParam, $"Invalid '{urlParam}': expected a data URL such as data:image/png;base64,....");
        }

        var format = match.Groups["mime"].Value.ToLowerInvariant() switch
        {
            "image/png" => "png",
            "image/jpeg" or "image/jpg" => "jpeg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            var other => throw UnsupportedValue(urlParam, $"Image type '{other}' is not supported; Amazon Nova accepts image/png, image/jpeg, image/gif and image/webp."),
        };

        var data = match.Groups["data"].Value;
        if (data.Length == 0 || !Base64.IsValid(data))
        {
            throw InvalidValue(urlParam, $"Invalid '{urlParam}': the image data is not valid base64.");
        }

        return new ImageBlock { Format = format, Source = new BytesSource { Bytes = data } };
    }

    /// <summary>{"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,..."}} -> a Converse
    /// document block on models that read documents. Uploaded files (file_id) are not stored by this proxy.</summary>
    public static DocumentBlock Document(JsonElement part, string param, ModelSpec spec, int index)
    {
        var dataParam = $"{param}.file.file_data";
        if (!part.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            throw Missing($"{param}.file");
        }

        if (file.TryGetProperty("file_id", out _))
        {
            throw UnsupportedValue($"{param}.file.file_id", "Uploaded files (file_id) are not supported; send the document inline as file_data (a base64 data URL).");
        }

        if (!spec.Accepts(InputModalities.Document))
        {
            throw UnsupportedValue(param, $"{spec.DisplayName} does not read documents; use Amazon Nova Lite, Pro or Nova 2 Lite.");
        }

        var data = file.TryGetProperty("file_data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : throw Missing(dataParam);
        var match = DataUrlPattern().Match(data);
        if (!match.Success || match.Groups["data"].Length == 0 || !Base64.IsValid(match.Groups["data"].Value))
        {
            throw InvalidValue(dataParam, $"Invalid '{dataParam}': expected a base64 data URL such as data:application/pdf;base64,....");
        }

        var filename = file.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
        var format = DocumentFormat(match.Groups["mime"].Value.ToLowerInvariant(), Path.GetExtension(filename).TrimStart('.').ToLowerInvariant())
            ?? throw UnsupportedValue(dataParam, "Document type not supported; Amazon Nova reads pdf, csv, doc, docx, xls, xlsx, html, txt and md.");

        // Bedrock accepts letters, digits, single spaces, hyphens, parentheses and square brackets in a document name.
        var name = MultipleSpaces().Replace(DocumentNameChars().Replace(Path.GetFileNameWithoutExtension(filename), " "), " ").Trim();
        return new DocumentBlock { Format = format, Name = name.Length > 0 ? name : $"document {index + 1}", Source = new BytesSource { Bytes = match.Groups["data"].Value } };
    }

    private static string? DocumentFormat(string mime, string extension) => mime switch
    {
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/html" => "html",
        "text/plain" => "txt",
        "text/markdown" => "md",
        _ when extension is "pdf" or "csv" or "doc" or "docx" or "xls" or "xlsx" or "html" or "txt" or "md" => extension,
        _ => null,
    };

    [GeneratedRegex(@"[^a-zA-Z0-9\s\-\(\)\[\]]")]
    private static partial Regex DocumentNameChars();

    [GeneratedRegex(@"\s+")]
    private static partial Regex MultipleSpaces();

    [GeneratedRegex(@"^data:(?<mime>[^;,]*)(?:;[^;,]*)*;base64,(?<data>.*)$", RegexOptions.Singleline)]
    private static partial Regex DataUrlPattern();
}
