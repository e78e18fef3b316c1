using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>The emulated model: a deterministic answer to a validated Converse request. It echoes the last user
/// text ("You said: ..."), describes images, reports tool results, calls a tool when one is offered and the prompt
/// names it (or toolChoice forces it) with arguments built from the tool's schema (key=value pairs in the prompt
/// fill them), honours stop sequences and maxTokens, and, when a guardrail is given, denies prompts about
/// "forbidden" things as a guardrail's denied topic would. Pure.</summary>
public static partial class Responder
{
    /// <summary>Tokens an image costs, as Nova 2 bills it (nova2-userguide/using-multimodal-models.html).</summary>
    public const int ImageTokens = 230;

    private static readonly string[] Filler = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

    public static Reply Answer(ConverseRequest request, ModelSpec model, Markers markers)
    {
        var inputTokens = InputTokens(request);
        var last = request.Messages[^1];
        var prompt = Markers.Strip(string.Join(" ", last.Content.OfType<TextBlock>().Select(t => t.Text)));
        var blocks = new List<ReplyBlock>();
        if (request.Reasoning is { Enabled: true } reasoning)
        {
            // Nova 2 returns its reasoning redacted, but bills it; the effort decides how much is billed here.
            blocks.Add(new ReplyReasoning("[REDACTED]"));
        }

        string stopReason;
        var tools = ToolsToCall(request, prompt, last);
        if (markers.Stop is "content_filtered")
        {
            blocks.Add(new ReplyText("The generated text has been blocked by our content filters."));
            stopReason = "content_filtered";
        }
        else if (markers.Stop is "guardrail_intervened" || (request.Guardrail && prompt.Contains("forbidden", StringComparison.OrdinalIgnoreCase)))
        {
            blocks.Add(new ReplyText("Sorry, the model cannot answer this question."));
            stopReason = "guardrail_intervened";
        }
        else if (request.SystemTools.Count > 0 && last.Content.All(b => b is not ToolResultBlock) && tools.Count == 0)
        {
            blocks.AddRange(SystemToolAnswers.For(request, prompt, ToolUseId(request, "system")));
            stopReason = "end_turn";
        }
        else if (tools.Count > 0)
        {
            blocks.AddRange(tools.Select(tool => new ReplyToolUse(ToolUseId(request, tool.Name), tool.Name, SampleObject(tool.Schema, KeyValues(prompt)))));
            stopReason = "tool_use";
        }
        else
        {
            var text = markers.Tokens is { } n ? FillerText(n) : TextFor(request, last, prompt);
            (text, stopReason) = ApplyStops(text, request.Inference.StopSequences);
            var maxTokens = request.Inference.MaxTokens ?? model.MaxOutputTokens;
            if (Tokenizer.Count(text) > maxTokens)
            {
                (text, stopReason) = (Tokenizer.Truncate(text, maxTokens), "max_tokens");
            }

            blocks.Add(new ReplyText(text));
        }

        var outputTokens = blocks.Sum(b => b switch
        {
            ReplyText t => Tokenizer.Count(t.Text),
            ReplyToolUse u => Tokenizer.Count(u.Input.ToJsonString()),
            ReplyServerToolUse u => Tokenizer.Count(u.Input.ToJsonString()),
            ReplyCitations c => Tokenizer.Count(c.Text),
            ReplyReasoning => ReasoningTokens(request.Reasoning?.MaxEffort),
            _ => 0,
        });
        var cached = Math.Min(markers.CachedTokens ?? 0, inputTokens);
        return new Reply(blocks, stopReason, inputTokens, outputTokens, cached);
    }

    public static int InputTokens(ConverseRequest request) =>
        request.System.Sum(Tokenizer.Count)
        + request.Tools.Sum(t => Tokenizer.Count(t.Name + " " + t.Description + " " + t.Schema.ToJsonString()))
        + request.Messages.SelectMany(m => m.Content).Sum(block => block switch
        {
            TextBlock t => Tokenizer.Count(t.Text),
            ImageBlock => ImageTokens,
            DocumentBlock d => Math.Max(1, d.ByteCount / 4),
            ToolUseBlock u => Tokenizer.Count(u.Input.ToJsonString()),
            ToolResultBlock r => Tokenizer.Count(r.Text),
            _ => 0,
        });

    private static int ReasoningTokens(string? effort) => effort switch
    {
        "high" => 256,
        "medium" => 64,
        _ => 16,
    };

    /// <summary>The tools the prompt names, in the order it names them (several in one turn, as models do), or the
    /// one toolChoice forces.</summary>
    private static List<ToolSpec> ToolsToCall(ConverseRequest request, string prompt, Turn last)
    {
        var mentioned = request.Tools
            .Select(t => (Tool: t, Match: Regex.Match(prompt, $@"\b{Regex.Escape(t.Name)}\b")))
            .Where(m => m.Match.Success).OrderBy(m => m.Match.Index).Select(m => m.Tool).ToList();
        return request.Choice.Kind switch
        {
            _ when request.Tools.Count == 0 => [],
            ToolChoiceKind.Tool => [request.Tools.First(t => t.Name == request.Choice.Name)],
            ToolChoiceKind.Any => mentioned.Count > 0 ? mentioned : [request.Tools[0]],
            _ when last.Content.Any(b => b is ToolResultBlock) => [],
            _ => mentioned,
        };
    }

    private static string TextFor(ConverseRequest request, Turn last, string prompt)
    {
        var results = last.Content.OfType<ToolResultBlock>().ToList();
        if (results.Count > 0)
        {
            var names = request.Messages.SelectMany(m => m.Content).OfType<ToolUseBlock>()
                .GroupBy(u => u.ToolUseId).ToDictionary(g => g.Key, g => g.Last().Name);
            return "Tool results: " + string.Join("; ", results.Select(r => $"{names.GetValueOrDefault(r.ToolUseId, r.ToolUseId)} returned {r.Text}"));
        }

        var images = last.Content.OfType<ImageBlock>().ToList();
        var documents = last.Content.OfType<DocumentBlock>().ToList();
        var imageText = (images.Count == 0 ? ""
            : $"I see {images.Count} image{(images.Count == 1 ? "" : "s")}: {string.Join(", ", images.Select(i => $"{i.Format} ({i.ByteCount} bytes)"))}.")
            + (documents.Count == 0 ? ""
            : $"{(images.Count > 0 ? " " : "")}I read {documents.Count} document{(documents.Count == 1 ? "" : "s")}: {string.Join(", ", documents.Select(d => $"{d.Name} ({d.Format}, {d.ByteCount} bytes)"))}.");
        return prompt.Length == 0 ? imageText : ("You said: " + prompt + (imageText.Length > 0 ? " " + imageText : ""));
    }

    private static string FillerText(int tokens) =>
        string.Join(' ', Enumerable.Range(0, Math.Max(tokens, 1)).Select(i => Filler[i % Filler.Length]));

    private static (string Text, string StopReason) ApplyStops(string text, IReadOnlyList<string> stops)
    {
        var cut = stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        return cut >= 0 ? (text[..cut], "stop_sequence") : (text, "end_turn");
    }

    private static string ToolUseId(ConverseRequest request, string name)
    {
        var seed = Encoding.UTF8.GetBytes($"{request.Messages.Count}/{name}/{request.Messages[^1].Content.Count}");
        return "tooluse_" + Convert.ToBase64String(SHA256.HashData(seed))[..22].Replace('+', 'A').Replace('/', 'B');
    }

    /// <summary>name=value or name="a value" pairs in the prompt, which fill tool arguments of that name.</summary>
    private static Dictionary<string, string> KeyValues(string prompt) => KeyValuePattern().Matches(prompt)
        .GroupBy(m => m.Groups[1].Value)
        .ToDictionary(g => g.Key, g => g.Last().Groups[3].Success ? g.Last().Groups[3].Value : g.Last().Groups[4].Value);

    private static JsonObject SampleObject(JsonObject schema, Dictionary<string, string> given)
    {
        var result = new JsonObject();
        if (schema["properties"] is not JsonObject properties)
        {
            return result;
        }

        var required = (schema["required"] as JsonArray)?.Select(r => r?.ToString()).ToHashSet();
        foreach (var (name, property) in properties)
        {
            if (required is null || required.Contains(name) || given.ContainsKey(name))
            {
                result[name] = Sample(property, name, given);
            }
        }

        return result;
    }

    private static JsonNode? Sample(JsonNode? schema, string name, Dictionary<string, string> given)
    {
        if (schema is not JsonObject s)
        {
            return "example";
        }

        if ((s["anyOf"] ?? s["oneOf"]) is JsonArray { Count: > 0 } options)
        {
            return Sample(options[0], name, given);
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            var pick = given.TryGetValue(name, out var wanted) ? values.FirstOrDefault(v => v?.ToString() == wanted) : null;
            return (pick ?? values[0])?.DeepClone();
        }

        var type = s["type"] switch
        {
            JsonArray types => types.Select(t => t?.ToString()).FirstOrDefault(t => t != "null"),
            var t => t?.ToString(),
        };
        given.TryGetValue(name, out var text);
        return type switch
        {
            "integer" => long.TryParse(text, CultureInfo.InvariantCulture, out var i) ? i : 1,
            "number" => double.TryParse(text, CultureInfo.InvariantCulture, out var d) ? d : 1.5,
            "boolean" => text is null || text.Equals("true", StringComparison.OrdinalIgnoreCase),
            "array" => new JsonArray(Sample(s["items"], name, given)),
            "object" => SampleObject(s, given),
            _ => text ?? "example",
        };
    }

    [GeneratedRegex("""(\w+)=("([^"]*)"|([^\s,;]+))""")]
    private static partial Regex KeyValuePattern();
}
