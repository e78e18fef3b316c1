using System.Buffers;
using System.Text;
using System.Text.Unicode;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Pipeline;

/// <summary>What a request body must be, beyond JSON's grammar, before any of it is read into a type or sent to
/// Bedrock (docs/reliability.md says why each rule is there): every string and name valid Unicode (no lone
/// surrogate, no invalid UTF-8) and free of U+0000; no member twice in one object; no number beyond a double's range;
/// at most <see cref="MaxDepth"/> levels of nesting. One pass over the tokens, keeping the path so the error names
/// the field. Syntax errors are left to the deserializer, which already describes them with its own path.</summary>
public static class JsonBodyRules
{
    /// <summary>The deserializer's own default limit: a deeper body could not be read anyway.</summary>
    public const int MaxDepth = 64;

    /// <summary>The first rule the body breaks, or null (also when it is not JSON at all: the caller says so).</summary>
    public static OpenAiError? Check(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    frames.RemoveAt(frames.Count - 1);
                    continue;
                }

                if (token == JsonTokenType.PropertyName)
                {
                    var frame = frames[^1];
                    frame.Name = null;
                    if (Text(ref reader) is not { } name || name.Contains('\0', StringComparison.Ordinal))
                    {
                        return Refuse(frames, "a member name is not valid Unicode (a lone surrogate or invalid UTF-8) or contains U+0000", "invalid_unicode");
                    }

                    frame.Name = name;
                    if (!frame.Names!.Add(name))
                    {
                        return Refuse(frames, "the member appears more than once in its object", "duplicate_member");
                    }

                    continue;
                }

                if (frames.Count > 0 && frames[^1].Names is null)
                {
                    frames[^1].Index++; // a new element of the array
                }

                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (frames.Count >= MaxDepth)
                    {
                        return Refuse(frames, $"nested more than {MaxDepth} levels deep", "nested_too_deep");
                    }

                    frames.Add(new Frame(token == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                }
                else if (Value(ref reader) is { } problem)
                {
                    return Refuse(frames, problem.Message, problem.Code);
                }
            }
        }
        catch (JsonException)
        {
            return null; // a syntax error: the deserializer describes it
        }

        return null;
    }

    /// <summary>An object (the names seen, the current one) or an array (the current element's index).</summary>
    private sealed class Frame(HashSet<string>? names)
    {
        public HashSet<string>? Names { get; } = names;

        public string? Name { get; set; }

        public int Index { get; set; } = -1;
    }

    private static (string Message, string Code)? Value(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Clean(ref reader) switch
            {
                null => ("not valid Unicode (a lone surrogate or invalid UTF-8)", "invalid_unicode"),
                false => ("the character U+0000 is not allowed", "invalid_unicode"),
                _ => null,
            };
        }

        return reader.TokenType == JsonTokenType.Number && !(reader.TryGetDouble(out var number) && double.IsFinite(number))
            ? ("the number is beyond the range of a double", "invalid_number")
            : null;
    }

    /// <summary>Whether a string value is free of U+0000, or null when it is not valid Unicode; read where it lies, or
    /// unescaped into a buffer of its own, never into a string.</summary>
    private static bool? Clean(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? !reader.ValueSpan.Contains((byte)0) : null;
        }

        // Unescaped text is never longer than its escaped form.
        var rented = reader.ValueSpan.Length > 256 ? ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length) : null;
        try
        {
            var text = rented is null ? stackalloc char[256] : rented.AsSpan();
            var length = reader.CopyString(text);
            return !text[..length].Contains('\0');
        }
        catch (InvalidOperationException)
        {
            return null; // an escaped lone surrogate, or invalid UTF-8 around the escapes
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The member name, or null when it is not valid Unicode.</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? Encoding.UTF8.GetString(reader.ValueSpan) : null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // an escaped lone surrogate, or invalid UTF-8 around the escapes
        }
    }

    private static OpenAiError Refuse(List<Frame> frames, string what, string code)
    {
        var segments = frames
            .Select(f => f.Names is null ? (object?)(f.Index >= 0 ? f.Index : null) : f.Name)
            .TakeWhile(s => s is not null)
            .Cast<object>();
        var param = JsonPath.Format(segments);
        return OpenAiError.Invalid(param.Length > 0 ? $"Invalid value for '{param}': {what}." : $"Invalid request body: {what}.", param.Length > 0 ? param : null, code);
    }
}
