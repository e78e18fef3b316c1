using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>One generated request: a valid seed body, a few edits of its structure and bytes, and its headers.
/// Every choice is an integer that the edit resolves modulo what is there, so CsCheck shrinks a failure toward
/// fewer, smaller edits.</summary>
public sealed record MutatedRequest(int Seed, (int Kind, int A, int B, int C)[] Edits, int Headers)
{
    public override string ToString() =>
        $"seed {Seed}, headers {Headers}, edits [{string.Join(", ", Edits.Select(e => $"({e.Kind},{e.A},{e.B},{e.C})"))}]";
}

/// <summary>Structure-aware and byte-level mutation of valid requests (docs/reliability.md lists what is generated).</summary>
public static class RequestMutations
{
    public static readonly Gen<MutatedRequest> Gen =
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 99], CsCheck.Gen.Select(CsCheck.Gen.Int[0, 9], CsCheck.Gen.Int[0, 9999], CsCheck.Gen.Int[0, 9999], CsCheck.Gen.Int[0, 9999]).Array[1, 4], CsCheck.Gen.Int[0, 39],
            (seed, edits, headers) => new MutatedRequest(seed, edits, headers));

    /// <summary>Values of every JSON type, edge values and troublesome code points, as raw JSON text (a lone
    /// surrogate cannot be held in a JsonNode and written out).</summary>
    public static readonly string[] Fragments =
    [
        "null", "true", "false", "0", "-0", "-1", "1", "2", "0.5", "1.5", "-1.5e3", "2147483648", "-9223372036854775809",
        "18446744073709551616", "1e308", "1e400", "-1e400", "1e-400", "123456789012345678901234567890.5", "[]", "[null]",
        "[[]]", "[1,\"a\",null]", "{}", "{\"a\":{}}", "{\"a\":1,\"a\":2}", "{\"type\":\"text\",\"text\":\"hi\"}",
        "{\"role\":\"user\",\"content\":\"hi\"}", new string('[', 70) + new string(']', 70), "\"\"", "\"x\"", "\" \"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"a\\udbff\\udbffb\"", "\"\\u0000\"", "\"a\\u0000\"", "\"\\uffff\"", "\"\\ufffe\"",
        "\"\\ud83d\\ude00\"", "\"\\u202e\"", "\"\\ufeff\"", "\"\\u2028\"", "\"\\\\\"", "\"\\\"\"", "\"\\n\\t\\r\"",
        "\"" + new string('z', 5000) + "\"", "\"12\"", "\"true\"", "\"null\"", "\"user\"", "\"assistant\"", "\"system\"",
        "\"tool\"", "\"developer\"", "\"function\"", "\"auto\"", "\"none\"", "\"required\"", "\"json_object\"",
        "\"json_schema\"", "\"text\"", "\"image_url\"", "\"input_text\"", "\"input_image\"", "\"gpt-4o\"", "\"gpt-4o-mini\"",
        "\"gpt-5-mini\"", "\"text-embedding-3-small\"", "\"nova-embed\"", "\"amazon.nova-pro-v1:0\"", "\"no-such-model\"",
        "\"data:image/png;base64,iVBORw0KGgo=\"", "\"data:image/png;base64,!!!\"", "\"data:;base64,\"",
        "\"http://127.0.0.1:1/x.png\"", "\"https://example.invalid/x.png\"", "\"base64\"", "\"float\"",
    ];

    /// <summary>Member names any of the endpoints reads, for members added where they do not belong.</summary>
    private static readonly string[] Names =
    [
        "model", "messages", "input", "stream", "stream_options", "include_usage", "tools", "tool_choice", "temperature",
        "top_p", "max_tokens", "max_completion_tokens", "max_output_tokens", "stop", "n", "response_format", "text",
        "format", "reasoning", "reasoning_effort", "instructions", "metadata", "store", "previous_response_id", "user",
        "seed", "logprobs", "top_logprobs", "dimensions", "encoding_format", "parallel_tool_calls", "truncation",
        "include", "frequency_penalty", "presence_penalty", "logit_bias", "modalities", "service_tier", "content",
        "role", "type", "image_url", "url", "detail", "name", "arguments", "function", "parameters", "tool_calls",
        "tool_call_id", "call_id", "output", "file_data", "filename", "json_schema", "schema", "strict", "effort",
        "summary", "\ud83d\ude00", "",
    ];

    private static readonly byte[] Bytes = [0x00, 0x01, 0x0a, 0x20, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x5c, 0x7b, 0x7d, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xef, 0xf4, 0xf5, 0xfe, 0xff];

    /// <summary>The body's bytes and its Content-Type / Content-Encoding (mostly application/json; a few wrong).</summary>
    public static (byte[] Body, string? ContentType, string? ContentEncoding) Build(MutatedRequest request, string[] seeds)
    {
        var root = JsonNode.Parse(seeds[request.Seed % seeds.Length])!;
        var raw = new List<string>();
        foreach (var (kind, a, b, c) in request.Edits.Where(e => e.Kind < 6))
        {
            Edit(root, raw, kind, a, b, c);
        }

        var text = root.ToJsonString();
        for (var i = 0; i < raw.Count; i++)
        {
            text = text.Replace($"\"~~raw{i}~~\"", raw[i], StringComparison.Ordinal);
        }

        var body = Encoding.UTF8.GetBytes(text).ToList();
        foreach (var (kind, a, b, c) in request.Edits.Where(e => e.Kind >= 6))
        {
            var at = a % (body.Count + 1);
            switch (kind)
            {
                case 6 when at < body.Count: body[at] = Bytes[b % Bytes.Length]; break;
                case 7: body.InsertRange(at, Enumerable.Repeat(Bytes[b % Bytes.Length], 1 + (c % 3))); break;
                case 8: body.RemoveRange(at, Math.Min(1 + (c % 8), body.Count - at)); break;
                case 9: body.RemoveRange(at, body.Count - at); break;
            }
        }

        return request.Headers switch
        {
            36 => ([.. body], null, null),
            37 => ([.. body], "text/plain", null),
            38 => ([.. body], "application/json; charset=utf-16", null),
            39 => ([.. body], "application/json", "gzip"),
            _ => ([.. body], "application/json", null),
        };
    }

    private static void Edit(JsonNode root, List<string> raw, int kind, int a, int b, int c)
    {
        var nodes = Walk(root).ToList();
        var target = nodes[a % nodes.Count];
        JsonNode Fragment(int index)
        {
            raw.Add(Fragments[index % Fragments.Length]);
            return JsonValue.Create($"~~raw{raw.Count - 1}~~");
        }

        switch (kind)
        {
            case 0 or 1 when target.Parent is JsonObject parent: // replaced by another value
                parent[target.GetPropertyName()] = Fragment(b);
                break;
            case 0 or 1 when target.Parent is JsonArray array:
                array[target.GetElementIndex()] = Fragment(b);
                break;
            case 2 when target.Parent is JsonObject parent: // dropped
                parent.Remove(target.GetPropertyName());
                break;
            case 3: // a member added to the nearest object
                var obj = target as JsonObject ?? target.Parent as JsonObject ?? root as JsonObject;
                obj?[Names[b % Names.Length]] = Fragment(c);
                break;
            case 4 when (target as JsonArray ?? target.Parent as JsonArray) is { Count: > 0 } list: // an element repeated
                var element = list[b % list.Count];
                for (var i = 0; i < 1 + (c % 80); i++)
                {
                    list.Add(element?.DeepClone());
                }

                break;
            case 5 when target is JsonValue value && value.TryGetValue<string>(out var s): // troublesome text inside a string
                var trouble = Fragments.Where(f => f.StartsWith('"')).ToArray();
                var inner = trouble[b % trouble.Length][1..^1];
                var at = c % (s.Length + 1);
                raw.Add(System.Text.Json.JsonSerializer.Serialize(s[..at])[..^1] + inner + System.Text.Json.JsonSerializer.Serialize(s[at..])[1..]);
                var replacement = JsonValue.Create($"~~raw{raw.Count - 1}~~");
                if (target.Parent is JsonObject owner)
                {
                    owner[target.GetPropertyName()] = replacement;
                }
                else if (target.Parent is JsonArray items)
                {
                    items[target.GetElementIndex()] = replacement;
                }

                break;
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().ToList())
        {
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }
}
