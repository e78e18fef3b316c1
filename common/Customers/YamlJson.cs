using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.Customers;

/// <summary>A line and column in a source file, 1-based, as editors and GitHub annotations count them.</summary>
public readonly record struct Position(int Line, int Column)
{
    public static Position From(Mark mark) => new((int)mark.Line, (int)mark.Column);

    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>Where each value of a YAML document sits, by JSON Pointer (/models/mappings/gpt-4o).</summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, Position> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Position> _keys = new(StringComparer.Ordinal);

    internal void Add(string pointer, Position value, Position? key)
    {
        _values[pointer] = value;
        if (key is { } k)
        {
            _keys[pointer] = k;
        }
    }

    /// <summary>The value's position; for a missing member, the nearest parent that exists.</summary>
    public Position Value(string pointer) => Find(_values, pointer);

    /// <summary>The key's position (a mapping entry), else the value's.</summary>
    public Position Key(string pointer) => _keys.TryGetValue(pointer, out var key) ? key : Value(pointer);

    private static Position Find(Dictionary<string, Position> map, string pointer)
    {
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (map.TryGetValue(p, out var position))
            {
                return position;
            }

            if (p.Length == 0)
            {
                return new Position(1, 1);
            }
        }
    }
}

/// <summary>Reads a YAML document into JSON (for the schema and the typed model) and a <see cref="SourceMap"/>.
/// Plain scalars resolve by the YAML 1.2 core schema (so <c>yes</c> stays a string, <c>010</c> is 10); quoted ones are
/// always strings. Tags are refused: a customer file is data, not a template.</summary>
public static class YamlJson
{
    public static (JsonNode? Root, SourceMap Map) Read(string text)
    {
        CheckUnicode(text);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some broken flow collections ("{300" in a block): say where.
            var at = parser.Current?.End ?? Mark.Empty;
            throw new YamlException(at, at, "The YAML cannot be read after this point: look for an unclosed '{' or '['.");
        }
        var map = new SourceMap();
        if (stream.Documents.Count == 0)
        {
            return (null, map);
        }

        if (stream.Documents.Count > 1)
        {
            throw new YamlException(stream.Documents[1].RootNode.Start, stream.Documents[1].RootNode.End,
                "One YAML document per file: remove the second '---' document.");
        }

        return (Convert(stream.Documents[0].RootNode, "", null, map, new Budget()), map);
    }

    /// <summary>A customer file is a few levels deep and a few hundred values: far deeper nesting (which the JSON
    /// schema check could not even read) or aliases that expand to a flood of values are refused where they start.</summary>
    public const int MaxDepth = 32;

    public const int MaxValues = 10_000;

    private sealed class Budget
    {
        public int Values { get; set; }
    }

    /// <summary>YamlDotNet's scanner throws InvalidOperationException at a lone surrogate; say where it is instead.
    /// (A file read from disk never has one, since decoding replaces it, but text handed over in memory can.)</summary>
    private static void CheckUnicode(string text)
    {
        var (line, column) = (1, 1);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                var mark = new Mark(i, line, column);
                throw new YamlException(mark, mark, "The file is not valid Unicode here (a lone surrogate); save it as UTF-8.");
            }

            if (char.IsHighSurrogate(text[i]))
            {
                i++;
            }

            (line, column) = text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }
    }

    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonNode? Convert(YamlNode node, string pointer, Position? key, SourceMap map, Budget budget, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(node.Start, node.End, $"The file nests more than {MaxDepth} levels deep; a customer file needs a few.");
        }

        if (++budget.Values > MaxValues)
        {
            throw new YamlException(node.Start, node.End, $"The file expands to more than {MaxValues.ToString("N0", CultureInfo.InvariantCulture)} values (aliases repeated inside aliases?); write the values out.");
        }

        map.Add(pointer, Position.From(node.Start), key);
        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific)
        {
            throw new YamlException(node.Start, node.End, $"Tags such as '{node.Tag.Value}' have no meaning in a customer file; write plain values.");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (k, v) in mapping.Children)
                {
                    if (k is not YamlScalarNode { Value: { } name })
                    {
                        throw new YamlException(k.Start, k.End, "Mapping keys must be plain strings.");
                    }

                    obj[name] = Convert(v, $"{pointer}/{Escape(name)}", Position.From(k.Start), map, budget, depth + 1);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(Convert(sequence.Children[i], $"{pointer}/{i}", null, map, budget, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new YamlException(node.Start, node.End, "Unsupported YAML node.");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (LooksLikeFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return double.IsFinite(real) ? JsonValue.Create(real)
                : throw new YamlException(scalar.Start, scalar.End, $"The number {text} is beyond the range of a double; no setting takes it.");
        }

        return JsonValue.Create(text);
    }

    // The core schema's float pattern: digits with a dot and/or an exponent (not "1_000", not "Infinity").
    private static bool LooksLikeFloat(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-') && text.Any(char.IsAsciiDigit);
}
