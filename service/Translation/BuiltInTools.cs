using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.RequestErrors;

namespace BedrockNovaProxy.Translation;

/// <summary>OpenAI's built-in tools -> Nova's system tools, which Bedrock runs itself: chat completions'
/// web_search_options (and the Responses API's web_search tool) -> nova_grounding; the Responses API's code_interpreter
/// tool -> nova_code_interpreter. Their options (search_context_size, user_location, domain filters, containers) have
/// no Bedrock counterpart and are not sent. Nova's citations -> url_citation annotations. Pure.</summary>
public static class BuiltInTools
{
    public const string WebSearchParam = "web_search_options";

    /// <summary>The chat request's name for the code interpreter (it has none of its own; Responses errors rename it).</summary>
    public const string CodeInterpreterParam = "code_interpreter";

    /// <summary>A tool the customer has not switched on (models.built_in_tools) is refused before anything else.</summary>
    public static void CheckEnabled(ChatCompletionRequest request, BuiltInToolsOptions enabled)
    {
        if (AsksForWebSearch(request) && !enabled.WebGrounding)
        {
            throw Unsupported(WebSearchParam, "Web search is not enabled for this deployment (its customer file's models.built_in_tools.web_grounding).");
        }

        if (request.CodeInterpreter && !enabled.CodeInterpreter)
        {
            throw Unsupported(CodeInterpreterParam, "The code interpreter is not enabled for this deployment (its customer file's models.built_in_tools.code_interpreter).");
        }
    }

    /// <summary>The system tools the request asks for, added to <paramref name="tools"/>; a model that does not run one
    /// is a 400 naming the field that asked for it.</summary>
    public static void Add(ChatCompletionRequest request, ResolvedModel model, ref List<Tool>? tools)
    {
        if (AsksForWebSearch(request))
        {
            // Nova grounding runs in US Regions only: through us. profiles (or ARNs in a us- Region).
            var us = model.BedrockModelId.StartsWith("us.", StringComparison.Ordinal) || model.BedrockModelId.Contains(":us-", StringComparison.Ordinal);
            if (!model.Spec.Runs(SystemTools.Grounding) || !us)
            {
                throw UnsupportedValue(WebSearchParam, $"The model `{model.RequestedName}` cannot search the web: Amazon Nova's web grounding runs on " +
                    $"{Names(SystemTools.Grounding)} through US inference profiles (us.), and this model is {model.BedrockModelId}.");
            }

            (tools ??= []).Add(new Tool { SystemTool = new SystemTool { Name = SystemToolNames.Grounding } });
        }

        if (request.CodeInterpreter)
        {
            if (!model.Spec.Runs(SystemTools.CodeInterpreter))
            {
                throw UnsupportedValue(CodeInterpreterParam, $"The model `{model.RequestedName}` cannot run code: Amazon Nova's code interpreter runs on {Names(SystemTools.CodeInterpreter)}.");
            }

            (tools ??= []).Add(new Tool { SystemTool = new SystemTool { Name = SystemToolNames.CodeInterpreter } });
        }
    }

    public static bool Grounded(ConverseRequest request) => request.ToolConfig?.Tools.Any(t => t.SystemTool?.Name == SystemToolNames.Grounding) == true;

    public static bool RunsCode(ConverseRequest request) => request.ToolConfig?.Tools.Any(t => t.SystemTool?.Name == SystemToolNames.CodeInterpreter) == true;

    /// <summary>A tool use the client did not define and must not answer: one Bedrock ran (or announced) itself.</summary>
    public static bool IsServerSide(string? name, string? type) =>
        type == "server_tool_use" || name is SystemToolNames.Grounding or SystemToolNames.CodeInterpreter;

    /// <summary>A citation of the answer's text between two offsets (UTF-16 positions in the answer) as OpenAI's
    /// url_citation; its title is the model's, else the site's domain, else the URL. Null without a web URL.</summary>
    public static ChatAnnotation? Annotation(Citation citation, int start, int end) =>
        citation.Location?.Web?.Url is { Length: > 0 } url
            ? new ChatAnnotation
            {
                UrlCitation = new UrlCitation
                {
                    Url = url,
                    Title = citation.Title is { Length: > 0 } title ? title : citation.Location.Web.Domain is { Length: > 0 } domain ? domain : url,
                    StartIndex = start,
                    EndIndex = end,
                },
            }
            : null;

    private static bool AsksForWebSearch(ChatCompletionRequest request)
    {
        if (JsonHelpers.IsNullOrAbsent(request.WebSearchOptions))
        {
            return false;
        }

        return request.WebSearchOptions!.Value.ValueKind == JsonValueKind.Object
            ? true
            : throw WrongType(WebSearchParam, "an object", request.WebSearchOptions.Value.ValueKind);
    }

    private static string Names(SystemTools tool) => string.Join(" and ", ModelCatalog.All.Where(m => m.Runs(tool)).Select(m => m.DisplayName));
}

/// <summary>What Nova's system tools leave in an answer, read for the Responses API's web_search_call and
/// code_interpreter_call items. Pure.</summary>
public static class ServerToolCalls
{
    /// <summary>The query of the grounding tool use Bedrock reports, if it reports one.</summary>
    public static string? GroundingQuery(IEnumerable<ContentBlock> blocks) =>
        blocks.Select(b => b.ToolUse).FirstOrDefault(u => u?.Name == SystemToolNames.Grounding) is { Input.ValueKind: JsonValueKind.Object } use
        && use.Input.TryGetProperty("query", out var query) && query.ValueKind == JsonValueKind.String ? query.GetString() : null;

    /// <summary>The code of a nova_code_interpreter tool use: its input's "code" (or the raw input).</summary>
    public static string Code(string input)
    {
        try
        {
            using var json = JsonDocument.Parse(input);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()! : input;
        }
        catch (JsonException)
        {
            return input;
        }
    }

    /// <summary>A nova_code_interpreter_result ({"stdOut","stdErr","exitCode","isError"}, as JSON text or as JSON) ->
    /// logs outputs (stdout, then stderr) and whether the run failed.</summary>
    public static (List<CodeInterpreterOutput> Outputs, bool Failed) Result(IEnumerable<ToolResultContentBlock> content, string? status)
    {
        var outputs = new List<CodeInterpreterOutput>();
        var failed = status == "error";
        foreach (var part in content)
        {
            var result = part.Json is { ValueKind: JsonValueKind.Object } json ? json : Parse(part.Text);
            if (result is not { } r)
            {
                if (part.Text is { Length: > 0 } text)
                {
                    outputs.Add(new CodeInterpreterOutput { Logs = text });
                }

                continue;
            }

            foreach (var stream in new[] { "stdOut", "stdErr" })
            {
                if (r.TryGetProperty(stream, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } logs)
                {
                    outputs.Add(new CodeInterpreterOutput { Logs = logs });
                }
            }

            failed |= r.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True;
        }

        return (outputs, failed);
    }

    private static JsonElement? Parse(string? text)
    {
        if (text is not { Length: > 0 } || text[0] != '{')
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
