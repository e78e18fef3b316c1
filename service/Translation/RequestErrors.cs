using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>The errors the request translators raise, in OpenAI's words, each naming the offending field by its
/// JSON path, and the readers of loosely typed JSON members that raise them. One set for every endpoint, so the same
/// fault reads the same wherever it is made. Each returns the exception for the caller to throw.</summary>
internal static class RequestErrors
{
    public static OpenAiException Missing(string param) =>
        Invalid($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static OpenAiException MissingModel() =>
        Invalid("You must provide a model parameter.", "model", "missing_required_parameter");

    /// <param name="expected">What the field must be, as OpenAI says it: "an object", "a string or an array of strings".</param>
    public static OpenAiException WrongType(string param, string expected, JsonValueKind got) =>
        Invalid($"Invalid type for '{param}': expected {expected}, but got {JsonHelpers.Describe(got)} instead.", param, "invalid_type");

    public static OpenAiException InvalidValue(string param, string message) => Invalid(message, param, "invalid_value");

    public static OpenAiException BelowMinimum(string param, long value) =>
        Invalid($"Invalid '{param}': integer below minimum value. Expected a value >= 1, but got {value} instead.", param, "integer_below_min_value");

    public static OpenAiException EmptyArray(string param, string message) => Invalid(message, param, "empty_array");

    public static OpenAiException Invalid(string message, string param, string code) => new(OpenAiError.Invalid(message, param, code));

    /// <summary>A parameter this proxy cannot honour at all.</summary>
    public static OpenAiException Unsupported(string param, string message) => new(OpenAiError.Unsupported(param, message));

    /// <summary>A parameter this proxy honours, but not with this value.</summary>
    public static OpenAiException UnsupportedValue(string param, string message) => new(OpenAiError.UnsupportedValue(param, message));

    /// <summary>The string <paramref name="member"/> of an object; absent or null is a missing parameter.</summary>
    public static string RequireString(JsonElement obj, string member, string param) =>
        OptionalString(obj, member, param) ?? throw Missing($"{param}.{member}");

    /// <summary>The string <paramref name="member"/> of an object, or null when it is absent or null.</summary>
    public static string? OptionalString(JsonElement obj, string member, string param)
    {
        if (!obj.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType($"{param}.{member}", "a string", value.ValueKind);
    }

    /// <summary>A content part's type: the part must be an object with a string "type".</summary>
    public static string PartType(JsonElement part, string param) =>
        part.ValueKind == JsonValueKind.Object ? RequireString(part, "type", param) : throw WrongType(param, "an object", part.ValueKind);
}
