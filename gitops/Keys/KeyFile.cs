using System.Globalization;
using System.Text;
using BedrockNovaProxy.Customers;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.Keys;

/// <summary>An edit the file cannot take (a duplicate name, a key that is not there, a layout this editor does not
/// rewrite); the message says which.</summary>
public sealed class KeyFileException(string message) : Exception(message);

/// <summary>One change to a file's text: <see cref="Removed"/> at <see cref="Offset"/> became <see cref="Inserted"/>;
/// every other character is the file's own.</summary>
public sealed record KeyFileEdit(string Text, int Offset, string Removed, string Inserted);

/// <summary>Adds and removes entries of a customer file's auth.keys by editing its text, so comments, order, quoting
/// and blank lines stay as they are (YamlDotNet's writer would drop the comments). YamlDotNet's parser only says
/// where things are. New entries follow the layout of the entries already there, else the file's indentation.
/// Pure: text in, text out.</summary>
public static class KeyFile
{
    public static KeyFileEdit Add(string text, ApiKeyEntry entry)
    {
        var doc = new Doc(text);
        if (doc.Keys() is { } existing && existing.Select(Name).Contains(entry.Name, StringComparer.Ordinal))
        {
            throw new KeyFileException($"a key named '{entry.Name}' already exists; revoke it first or choose another name");
        }

        if (doc.Child(doc.Root, "auth") is not (var authKey, var auth))
        {
            return doc.AddSection(entry);
        }

        var authColumn = doc.Column(authKey.Start);
        switch (auth)
        {
            case YamlMappingNode { Style: not MappingStyle.Flow } block when doc.Child(block, "keys") is (var keysKey, var keys):
                return keys switch
                {
                    YamlSequenceNode { Style: not SequenceStyle.Flow } list => doc.AppendItem(list, entry),
                    _ when Doc.IsEmpty(keys) => doc.ReplaceValue(keysKey, keys, doc.Lines(Entry(entry, doc.Column(keysKey.Start) + doc.Unit))),
                    _ => throw Layout("auth.keys"),
                };
            case YamlMappingNode { Style: not MappingStyle.Flow } block:
                var column = block.Children.Count > 0 ? doc.Column(block.Children.First().Key.Start) : authColumn + doc.Unit;
                return doc.Insert(doc.LineEnd(doc.LastContent(block)), doc.Lines(KeysBlock(entry, column, doc.Unit)), leadingBreak: true);
            case var _ when Doc.IsEmpty(auth):
                return doc.ReplaceValue(authKey, auth, doc.Lines(KeysBlock(entry, authColumn + doc.Unit, doc.Unit)));
            default:
                throw Layout("auth");
        }
    }

    public static KeyFileEdit Remove(string text, string name)
    {
        var doc = new Doc(text);
        var keys = doc.Keys() ?? throw new KeyFileException($"there is no key named '{name}': the file lists no keys");
        var item = keys.Children.FirstOrDefault(k => Name(k) == name)
            ?? throw new KeyFileException($"there is no key named '{name}' (keys: {string.Join(", ", keys.Children.Select(Name).OfType<string>())})");
        var start = doc.LineStart(doc.Dash(item));
        var end = doc.LineEnd(doc.LastContent(item));
        return new KeyFileEdit(text.Remove(start, end - start), start, text[start..end], "");
    }

    /// <summary>One list entry as lines: the first starts with its dash at <paramref name="dash"/>, the others are
    /// indented to its keys (<paramref name="inner"/> after the dash).</summary>
    internal static IEnumerable<string> Entry(ApiKeyEntry entry, int dash, int inner = 2)
    {
        var pad = new string(' ', dash + inner);
        yield return new string(' ', dash) + "-" + new string(' ', inner - 1) + "name: " + Quote(entry.Name);
        yield return pad + "sha256: " + Quote(entry.Sha256);
        if (entry.Models.Count > 0)
        {
            yield return pad + "models: [" + string.Join(", ", entry.Models.Select(Quote)) + "]";
        }

        if (entry.RequestsPerMinute is { } rpm)
        {
            yield return pad + "requests_per_minute: " + rpm.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in new (string, decimal?)[]
        {
            ("tokens_per_minute", entry.TokensPerMinute), ("tokens_per_day", entry.TokensPerDay), ("tokens_per_month", entry.TokensPerMonth),
            ("usd_per_day", entry.UsdPerDay), ("usd_per_month", entry.UsdPerMonth),
        })
        {
            if (value is { } v)
            {
                yield return pad + name + ": " + v.ToString(CultureInfo.InvariantCulture);
            }
        }

        if (entry.Expires is { } expires)
        {
            yield return pad + "expires: " + Quote(expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Sets (or replaces) a key's expires day, as a line after the entry's last.</summary>
    public static KeyFileEdit SetExpiry(string text, string name, DateOnly expires)
    {
        var doc = new Doc(text);
        var keys = doc.Keys() ?? throw new KeyFileException($"there is no key named '{name}': the file lists no keys");
        var item = keys.Children.FirstOrDefault(k => Name(k) == name) as YamlMappingNode
            ?? throw new KeyFileException($"there is no key named '{name}' (keys: {string.Join(", ", keys.Children.Select(Name).OfType<string>())})");
        if (item.Style == MappingStyle.Flow)
        {
            throw Layout("auth.keys");
        }

        var value = Quote(expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (doc.Child(item, "expires") is (_, var old))
        {
            var from = doc.Offset(old.Start);
            var to = doc.LastContent(old);
            return new KeyFileEdit(text[..from] + value + text[to..], from, text[from..to], value);
        }

        var column = doc.Column(item.Children.First().Key.Start);
        return doc.Insert(doc.LineEnd(doc.LastContent(item)), doc.Lines([new string(' ', column) + "expires: " + value]), leadingBreak: true);
    }

    private static IEnumerable<string> KeysBlock(ApiKeyEntry entry, int column, int unit) =>
        Entry(entry, column + unit).Prepend(new string(' ', column) + "keys:");

    /// <summary>A YAML double-quoted scalar, as the customer files write their strings.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    private static string? Name(YamlNode item) =>
        item is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode scalar ? scalar.Value : null;

    private static KeyFileException Layout(string path) =>
        new($"{path} is written in a form this command does not rewrite (a flow collection or a scalar); write it as a block list, one '- name:' per key");

    /// <summary>The parsed file and its text, with positions as offsets into the text.</summary>
    private sealed class Doc
    {
        private readonly string _text;
        private readonly List<int> _lineStarts = [0];
        private readonly string _newline;

        public Doc(string text)
        {
            _text = text;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    _lineStarts.Add(i + 1);
                }
                else if ((text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) || text[i] is '\u0085' or '\u2028' or '\u2029')
                {
                    throw new KeyFileException("the file has line breaks other than \\n and \\r\\n");
                }
            }

            _newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            Root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode ?? throw new KeyFileException("the file is not a YAML mapping");
            Unit = Root.Children.Select(c => c.Value).OfType<YamlMappingNode>()
                .Where(m => m.Style != MappingStyle.Flow && m.Children.Count > 0)
                .Select(m => Column(m.Children.First().Key.Start))
                .FirstOrDefault(c => c > 0, 2);
        }

        public YamlMappingNode Root { get; }

        /// <summary>The file's indentation step (the first nested key's column).</summary>
        public int Unit { get; }

        public (YamlScalarNode Key, YamlNode Value)? Child(YamlMappingNode map, string key) =>
            map.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key) is { Key: YamlScalarNode name } child ? (name, child.Value) : null;

        /// <summary>auth.keys when it is a block list.</summary>
        public YamlSequenceNode? Keys() =>
            Child(Root, "auth") is (_, YamlMappingNode auth) && Child(auth, "keys") is (_, YamlSequenceNode { Style: not SequenceStyle.Flow } keys) ? keys : null;

        public static bool IsEmpty(YamlNode node) => node switch
        {
            YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" } => true,
            YamlMappingNode { Style: MappingStyle.Flow, Children.Count: 0 } or YamlSequenceNode { Style: SequenceStyle.Flow, Children.Count: 0 } => true,
            _ => false,
        };

        public int Offset(Mark mark) => _lineStarts[(int)mark.Line - 1] + (int)mark.Column - 1;

        public int Column(Mark mark) => (int)mark.Column - 1;

        public int LineStart(int offset) => offset == 0 ? 0 : _text.LastIndexOf('\n', offset - 1) + 1;

        /// <summary>Just after the line break that ends the line holding <paramref name="offset"/> (the text's end if none).</summary>
        public int LineEnd(int offset) => _text.IndexOf('\n', offset) is var end and >= 0 ? end + 1 : _text.Length;

        /// <summary>Where the last character of a node's own text is: the end of its last scalar or flow collection.
        /// An empty value ends with its key; a block scalar's end mark is already on the next line.</summary>
        public int LastContent(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode { Style: not MappingStyle.Flow, Children.Count: > 0 } map:
                    var (key, value) = map.Children.Last();
                    return IsEmpty(value) && value is YamlScalarNode ? Offset(key.End) : LastContent(value);
                case YamlSequenceNode { Style: not SequenceStyle.Flow, Children.Count: > 0 } list:
                    return LastContent(list.Children.Last());
                case YamlMappingNode or YamlSequenceNode:
                    return FlowEnd(node);
                default:
                    var end = Offset(node.End);
                    return end > 0 && _text[end - 1] == '\n' ? end - 1 : end;
            }
        }

        /// <summary>Just after the bracket that closes a flow collection. Found in the text: YamlDotNet's end mark of
        /// a flow collection is not reliably past its closing bracket. Quoted strings and comments are skipped.</summary>
        public int FlowEnd(YamlNode node)
        {
            var i = Offset(node.Start);
            if (_text[i] is not ('[' or '{'))
            {
                throw new KeyFileException("a flow collection does not start with a bracket");
            }

            for (var depth = 0; i < _text.Length; i++)
            {
                switch (_text[i])
                {
                    case '[' or '{':
                        depth++;
                        break;
                    case ']' or '}' when --depth == 0:
                        return i + 1;
                    case '"':
                        for (i++; i < _text.Length && _text[i] != '"'; i += _text[i] == '\\' ? 2 : 1)
                        {
                        }

                        break;
                    case '\'':
                        // '' is a quote inside a single-quoted scalar.
                        for (i++; i < _text.Length && !(_text[i] == '\'' && (i + 1 == _text.Length || _text[i + 1] != '\'')); i += _text[i] == '\'' ? 2 : 1)
                        {
                        }

                        break;
                    case '#' when i > 0 && _text[i - 1] is ' ' or '\t' or '\n':
                        i = _text.IndexOf('\n', i) is var eol and >= 0 ? eol : _text.Length;
                        break;
                }
            }

            throw new KeyFileException("a flow collection is not closed");
        }

        /// <summary>The dash that opens a block list item (it may sit on the line above the item's first key).</summary>
        public int Dash(YamlNode item)
        {
            var i = Offset(item.Start) - 1;
            while (i >= 0 && _text[i] is ' ' or '\t' or '\r' or '\n')
            {
                i--;
            }

            return i >= 0 && _text[i] == '-' ? i : throw new KeyFileException("a key entry does not start with '-'");
        }

        public KeyFileEdit AppendItem(YamlSequenceNode list, ApiKeyEntry entry)
        {
            var first = list.Children[0];
            var dash = Dash(first);
            var dashColumn = dash - LineStart(dash);
            var inner = first is YamlMappingNode { Style: not MappingStyle.Flow, Children.Count: > 0 } map && LineStart(Offset(map.Children.First().Key.Start)) == LineStart(dash)
                ? Column(map.Children.First().Key.Start) - dashColumn
                : 2;
            return Insert(LineEnd(LastContent(list)), Lines(Entry(entry, dashColumn, inner)), leadingBreak: true);
        }

        /// <summary>A new auth section: before gate (the key that follows auth in the schema) with the comments just
        /// above it, else at the end; separated by a blank line as the sections of the files are.</summary>
        public KeyFileEdit AddSection(ApiKeyEntry entry)
        {
            var section = Lines(KeysBlock(entry, Unit, Unit).Prepend("auth:"));
            if (Child(Root, "gate") is (var gate, _))
            {
                var at = LineStart(Offset(gate.Start));
                while (at > 0 && _text[LineStart(at - 1)] == '#')
                {
                    at = LineStart(at - 1);
                }

                return Insert(at, section + _newline, leadingBreak: false);
            }

            var blank = _text.Length == 0 || _text.EndsWith(_newline + _newline, StringComparison.Ordinal) ? "" : _newline;
            return Insert(_text.Length, (_text.EndsWith('\n') || _text.Length == 0 ? "" : _newline) + blank + section, leadingBreak: false);
        }

        /// <summary>Replaces an empty value (nothing, ~, null, {} or []) after its key's colon with a block; the rest
        /// of the line (a comment) stays where it was.</summary>
        public KeyFileEdit ReplaceValue(YamlScalarNode key, YamlNode value, string block)
        {
            var colon = _text.IndexOf(':', Offset(key.End));
            var from = colon + 1;
            var to = value switch
            {
                YamlScalarNode { Value: null or "" } => from,
                YamlScalarNode => Offset(value.End),
                _ => FlowEnd(value),
            };
            var inserted = _newline + block.TrimEnd('\r', '\n');
            return new KeyFileEdit(_text[..from] + inserted + _text[to..], from, _text[from..to], inserted);
        }

        /// <summary>Inserts whole lines at a line start; at the very end of a file without a final line break, the
        /// break comes first.</summary>
        public KeyFileEdit Insert(int at, string lines, bool leadingBreak)
        {
            var inserted = leadingBreak && at == _text.Length && _text.Length > 0 && !_text.EndsWith('\n') ? _newline + lines.TrimEnd('\r', '\n') : lines;
            return new KeyFileEdit(_text.Insert(at, inserted), at, "", inserted);
        }

        public string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + _newline));
    }
}
