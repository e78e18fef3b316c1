using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Telemetry;

/// <summary>Opt-in prompt logging (<c>Proxy:Telemetry:LogPrompts</c>): one structured entry with the messages of a
/// request as the proxy sent them to Bedrock, one with its answer, both under the <see cref="Category"/> logger,
/// every text redacted (<see cref="Redactor"/>) and cut to <c>PromptLogMaxChars</c>. Images and documents are logged
/// as their type and size, never their bytes. An endpoint calls <see cref="Write"/> once, when its answer is known
/// (or its call failed), with the Converse request it made and the answer it gave.</summary>
public sealed partial class PromptLog
{
    public const string Category = "BedrockNovaProxy.Prompts";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ILogger _logger;
    private readonly TelemetryOptions _options;

    public PromptLog(ProxyConfiguration configuration, ILoggerFactory loggers)
    {
        _options = configuration.Options.Telemetry;
        _logger = loggers.CreateLogger(Category);
    }

    /// <summary>Whether anything would be logged: endpoints assemble a streamed answer only then.</summary>
    public bool Enabled => _options.LogPrompts && _logger.IsEnabled(LogLevel.Information);

    /// <param name="operation">chat.completions, responses...</param>
    /// <param name="model">The model name the client asked for.</param>
    /// <param name="answer">Null when the call failed before any answer.</param>
    public void Write(string operation, string model, ConverseRequest request, PromptAnswer? answer)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            LogPrompt(_logger, operation, model, request.Messages?.Count ?? 0, Messages(request, _options.PromptLogMaxChars));
            LogAnswer(_logger, operation, model, answer?.FinishReason ?? "none", answer is null ? "null" : Answer(answer, _options.PromptLogMaxChars));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A diagnostic must never fail the request it describes (the answer has usually gone out already).
            LogFailed(_logger, operation, e.GetType().Name);
        }
    }

    /// <summary>The request's system prompt and messages as compact JSON, redacted and cut. Pure.</summary>
    public static string Messages(ConverseRequest request, int maxChars) => Json(w =>
    {
        w.WriteStartArray();
        if (request.System?.Where(s => s.Text is not null).ToList() is { Count: > 0 } system)
        {
            w.WriteStartObject();
            w.WriteString("role", "system");
            w.WriteStartArray("content");
            foreach (var block in system)
            {
                w.WriteStartObject();
                WriteText(w, "text", block.Text!, maxChars);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        foreach (var message in request.Messages ?? [])
        {
            w.WriteStartObject();
            w.WriteString("role", message.Role);
            w.WriteStartArray("content");
            foreach (var block in message.Content)
            {
                WriteBlock(w, block, maxChars);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>The answer as compact JSON, redacted and cut. Pure.</summary>
    public static string Answer(PromptAnswer answer, int maxChars) => Json(w =>
    {
        w.WriteStartObject();
        WriteText(w, "content", answer.Text.ToString(), maxChars);
        if (answer.Reasoning.Length > 0)
        {
            WriteText(w, "reasoning", answer.Reasoning.ToString(), maxChars);
        }

        if (answer.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var (_, (name, arguments)) in answer.ToolCalls.OrderBy(c => c.Key))
            {
                w.WriteStartObject();
                w.WriteString("name", name.ToString());
                WriteText(w, "arguments", arguments.ToString(), maxChars);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (answer.Error is { } error)
        {
            w.WriteString("error", error);
        }

        w.WriteEndObject();
    });

    /// <summary>Redacts, then cuts: a secret is never half-recognised at the cut.</summary>
    public static string Clip(string text, int maxChars)
    {
        var redacted = Redactor.Redact(text);
        return redacted.Length <= maxChars ? redacted : $"{redacted[..maxChars]}…[cut: {redacted.Length} characters in all]";
    }

    private static void WriteBlock(Utf8JsonWriter w, ContentBlock block, int maxChars)
    {
        w.WriteStartObject();
        if (block.Text is { } text)
        {
            WriteText(w, "text", text, maxChars);
        }
        else if (block.Image is { } image)
        {
            WriteMedia(w, "image", image.Format, null, image.Source);
        }
        else if (block.Document is { } document)
        {
            WriteMedia(w, "document", document.Format, document.Name, document.Source);
        }
        else if (block.ToolUse is { } use)
        {
            w.WriteStartObject("tool_use");
            w.WriteString("name", use.Name);
            WriteText(w, "input", use.Input.GetRawText(), maxChars);
            w.WriteEndObject();
        }
        else if (block.ToolResult is { } result)
        {
            WriteText(w, "tool_result", string.Join("\n", result.Content.Select(c => c.Text ?? c.Json?.GetRawText() ?? (c.Image is not null ? "(image)" : ""))), maxChars);
        }
        else if (block.ReasoningContent?.ReasoningText?.Text is { } reasoning)
        {
            WriteText(w, "reasoning", reasoning, maxChars);
        }

        w.WriteEndObject();
    }

    private static void WriteMedia(Utf8JsonWriter w, string kind, string? format, string? name, BytesSource source)
    {
        // The bytes themselves are never logged; their size says enough.
        w.WriteStartObject(kind);
        w.WriteString("format", format);
        if (name is not null)
        {
            w.WriteString("name", Clip(name, 256));
        }

        w.WriteNumber("bytes", Translation.RequestLimits.Base64Size(source.Bytes));
        w.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter w, string name, string text, int maxChars) => w.WriteString(name, Clip(text, maxChars));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Prompt for {Operation} on {Model}: {MessageCount} messages {Messages}")]
    private static partial void LogPrompt(ILogger logger, string operation, string model, int messageCount, string messages);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Answer for {Operation} on {Model} ({FinishReason}): {Answer}")]
    private static partial void LogAnswer(ILogger logger, string operation, string model, string finishReason, string answer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The prompt of a {Operation} request could not be logged ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, string operation, string errorType);
}

/// <summary>An answer as <see cref="PromptLog"/> logs it, from a completion or assembled from stream chunks.</summary>
public sealed class PromptAnswer
{
    public StringBuilder Text { get; } = new();

    public StringBuilder Reasoning { get; } = new();

    /// <summary>By OpenAI's tool-call index: name and arguments, which streams send in fragments.</summary>
    public Dictionary<int, (StringBuilder Name, StringBuilder Arguments)> ToolCalls { get; } = [];

    public string? FinishReason { get; set; }

    /// <summary>The error code a stream ended with, if it did.</summary>
    public string? Error { get; set; }

    public static PromptAnswer Of(ChatCompletion completion)
    {
        var answer = new PromptAnswer();
        foreach (var choice in completion.Choices)
        {
            var message = choice.Message;
            answer.Text.Append(message.Content);
            answer.Reasoning.Append(message.ReasoningContent);
            foreach (var call in message.ToolCalls ?? [])
            {
                answer.ToolCalls[answer.ToolCalls.Count] = (new StringBuilder(call.Function.Name), new StringBuilder(call.Function.Arguments));
            }

            answer.FinishReason ??= choice.FinishReason;
        }

        return answer;
    }

    /// <summary>A Responses API answer (the whole response, or the snapshot its stream ended with).</summary>
    public static PromptAnswer Of(ResponseObject response, string? error = null)
    {
        var answer = new PromptAnswer { FinishReason = response.IncompleteDetails?.Reason ?? response.Status, Error = error };
        foreach (var item in response.Output)
        {
            switch (item.Type)
            {
                case "message":
                    foreach (var part in item.Content ?? [])
                    {
                        answer.Text.Append(part.Text);
                    }

                    break;
                case "reasoning":
                    foreach (var part in item.Content ?? [])
                    {
                        answer.Reasoning.Append(part.Text);
                    }

                    break;
                case "function_call":
                    answer.ToolCalls[answer.ToolCalls.Count] = (new StringBuilder(item.Name), new StringBuilder(item.Arguments));
                    break;
            }
        }

        return answer;
    }

    public void Add(ChatCompletionChunk chunk)
    {
        foreach (var choice in chunk.Choices)
        {
            Text.Append(choice.Delta.Content);
            Reasoning.Append(choice.Delta.ReasoningContent);
            foreach (var call in choice.Delta.ToolCalls ?? [])
            {
                if (!ToolCalls.TryGetValue(call.Index, out var parts))
                {
                    ToolCalls[call.Index] = parts = (new StringBuilder(), new StringBuilder());
                }

                parts.Name.Append(call.Function.Name);
                parts.Arguments.Append(call.Function.Arguments);
            }

            FinishReason = choice.FinishReason ?? FinishReason;
        }
    }
}
