using System.Text.Encodings.Web;
using System.Text.Json;

namespace BedrockNovaProxy.GitOps.Json;

/// <summary>JSON that people read (messages, reports, --format json): text as written, "客户名称" and not \u escapes.
/// The relaxed encoder still escapes what JSON requires (quotes, backslashes, control characters); none of this output
/// is embedded in HTML, where the default encoder's extra escaping would matter.</summary>
internal static class ReadableJson
{
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };
}
