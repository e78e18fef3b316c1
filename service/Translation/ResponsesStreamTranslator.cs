using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using static BedrockNovaProxy.Translation.ResponsesResponseTranslator;

namespace BedrockNovaProxy.Translation;

/// <summary>ConverseStream events -> Responses API stream events, in OpenAI's order: response.created and
/// response.in_progress; per output item output_item.added, its content part's added / delta... / done (reasoning_text,
/// output_text) or function_call_arguments delta... / done, output_item.done; then response.completed or
/// response.incomplete. Each Bedrock event goes through <see cref="ChatStreamTranslator"/> first, so JSON output,
/// tool-call indexes and usage are read exactly as chat completions reads them; this class only lays the chunks out
/// as items. Pure and stateful; every event gets the next sequence_number.</summary>
public sealed class ResponsesStreamTranslator
{
    private static readonly List<System.Text.Json.JsonElement> NoLogprobs = [];
    private readonly ResponsesTranslation _call;
    private readonly string _id;
    private readonly long _createdAt;
    private readonly Func<string, string> _newId;
    private readonly ChatStreamTranslator _chat;
    private readonly List<Item> _items = [];
    private readonly Dictionary<int, Item> _toolCalls = [];
    private readonly Dictionary<int, Item> _serverBlocks = [];
    private readonly Dictionary<string, Item> _codeCalls = new(StringComparer.Ordinal);
    private readonly List<ResponseAnnotation> _cited = [];
    private Item? _open;
    private string? _finishReason;
    private Usage? _usage;
    private int _sequence;

    public ResponsesStreamTranslator(ResponsesTranslation call, string id, long createdAt, Func<string, string> newId)
    {
        _call = call;
        _id = id;
        _createdAt = createdAt;
        _newId = newId;
        _chat = new ChatStreamTranslator(call.Chat, id, createdAt);
    }

    /// <summary>True once Bedrock said the message ended.</summary>
    public bool Finished => _chat.Finished;

    /// <summary>The answer's usage, once Bedrock's metadata event has reported it.</summary>
    public Usage? Usage => _chat.Usage;

    /// <summary>The tier the answer is served at (<see cref="ChatStreamTranslator.ServiceTier"/>).</summary>
    public string ServiceTier => _chat.ServiceTier;

    public int InputTokens => _chat.InputTokens;

    public int OutputTokens => _chat.OutputTokens;

    /// <summary>The opening events, sent as soon as Bedrock has accepted the call.</summary>
    public IEnumerable<ResponseStreamEvent> Start()
    {
        yield return Lifecycle("response.created", Snapshot(InProgress, null));
        yield return Lifecycle("response.in_progress", Snapshot(InProgress, null));
        if (BuiltInTools.Grounded(_call.Chat.Request))
        {
            // Bedrock announces no search: the grounding the request turned on is searching until the answer comes.
            var search = Open(OutputItem.WebSearchCall, "ws", null, null);
            yield return Event("response.output_item.added", search, itemEvent: true);
            yield return Event("response.web_search_call.in_progress", search);
            yield return Event("response.web_search_call.searching", search);
        }
    }

    public IEnumerable<ResponseStreamEvent> Translate(ConverseStreamEvent streamEvent)
    {
        foreach (var e in CodeInterpreter(streamEvent))
        {
            yield return e;
        }

        foreach (var chunk in _chat.Translate(streamEvent))
        {
            if (chunk.Usage.Value is { } usage)
            {
                _usage = usage;
            }

            foreach (var choice in chunk.Choices)
            {
                foreach (var e in Translate(choice))
                {
                    yield return e;
                }
            }
        }
    }

    /// <summary>The closing event of a stream that finished: the whole response, with its status and usage.</summary>
    public ResponseStreamEvent Complete()
    {
        var (status, incomplete) = Outcome(_finishReason);
        return Lifecycle(status == Completed ? "response.completed" : "response.incomplete", Snapshot(status, UsageOf(_usage), incomplete));
    }

    /// <summary>The closing events of a stream that broke after it began: an `error` event with the OpenAI error, then
    /// response.failed with what had been produced so far (unfinished items marked incomplete).</summary>
    public (ResponseErrorEvent Error, ResponseStreamEvent Failed) Fail(OpenAiError error)
    {
        var errorEvent = new ResponseErrorEvent { SequenceNumber = _sequence++, Code = error.Code ?? error.Type, Message = error.Message, Param = error.Param };
        var info = new ResponseErrorInfo { Code = error.Status == 429 ? "rate_limit_exceeded" : "server_error", Message = error.Message };
        return (errorEvent, Lifecycle("response.failed", Snapshot(Failed, _usage is null ? null : UsageOf(_usage), error: info)));
    }

    /// <summary>nova_code_interpreter's blocks (which the chat translator leaves out): the tool use is the item and its
    /// code, the tool result its outputs. Bedrock streams the input as JSON fragments, so the code goes out once whole.</summary>
    private IEnumerable<ResponseStreamEvent> CodeInterpreter(ConverseStreamEvent streamEvent)
    {
        switch (streamEvent)
        {
            case ConverseStreamEvent.BlockStart { Value: { Start.ToolUse: { Name: SystemToolNames.CodeInterpreter } use } start }:
                foreach (var e in Close(Completed))
                {
                    yield return e;
                }

                var item = Open(OutputItem.CodeInterpreterCall, "ci", use.ToolUseId, null);
                _serverBlocks[start.ContentBlockIndex] = item;
                _codeCalls[use.ToolUseId ?? ""] = item;
                yield return Event("response.output_item.added", item, itemEvent: true);
                yield return Event("response.code_interpreter_call.in_progress", item);
                break;
            case ConverseStreamEvent.BlockStart { Value: { Start.ToolResult: { } result } start } when _codeCalls.TryGetValue(result.ToolUseId ?? "", out var call):
                _serverBlocks[start.ContentBlockIndex] = call;
                call.Failed |= result.Status == "error";
                break;
            case ConverseStreamEvent.BlockDelta { Value: { Delta: { } delta } block } when _serverBlocks.TryGetValue(block.ContentBlockIndex, out var call):
                if (delta.ToolUse?.Input is { } fragment)
                {
                    call.Text.Append(fragment);
                }

                call.Results.AddRange(delta.ToolResult ?? []);
                break;
            case ConverseStreamEvent.BlockStop { Value: var stop } when _serverBlocks.Remove(stop.ContentBlockIndex, out var call):
                if (call.Code is null)
                {
                    call.Code = ServerToolCalls.Code(call.Text.ToString());
                    yield return Event("response.code_interpreter_call_code.delta", call) with { Delta = call.Code };
                    yield return Event("response.code_interpreter_call_code.done", call) with { Code = call.Code };
                    yield return Event("response.code_interpreter_call.interpreting", call);
                    break;
                }

                var (outputs, failed) = ServerToolCalls.Result(call.Results, null);
                (call.Outputs, call.Failed) = (outputs, call.Failed || failed);
                foreach (var e in Close(Completed))
                {
                    yield return e;
                }

                break;
        }
    }

    private IEnumerable<ResponseStreamEvent> Translate(ChunkChoice choice)
    {
        var delta = choice.Delta;
        foreach (var annotation in delta.Annotations ?? [])
        {
            var cited = ResponseAnnotation.Of(annotation);
            _cited.Add(cited);
            if (_items.LastOrDefault(i => i.Type == OutputItem.Message) is { } message)
            {
                message.Annotations.Add(cited);
                yield return Event("response.output_text.annotation.added", message) with
                {
                    ContentIndex = 0,
                    AnnotationIndex = message.Annotations.Count - 1,
                    Annotation = cited,
                };
            }
        }

        if (delta.ReasoningContent is { Length: > 0 } reasoning)
        {
            foreach (var e in AppendText(OutputItem.Reasoning, reasoning))
            {
                yield return e;
            }
        }

        if (delta.Content is { Length: > 0 } text)
        {
            foreach (var e in AppendText(OutputItem.Message, text))
            {
                yield return e;
            }
        }

        foreach (var call in delta.ToolCalls ?? [])
        {
            if (call.Id is not null || !_toolCalls.ContainsKey(call.Index))
            {
                foreach (var e in Close(Completed))
                {
                    yield return e;
                }

                var item = Open(OutputItem.FunctionCall, "fc", call.Id ?? "", call.Function.Name ?? "");
                _toolCalls[call.Index] = item;
                yield return Event("response.output_item.added", item, itemEvent: true);
            }

            if (call.Function.Arguments is { Length: > 0 } fragment)
            {
                var item = _toolCalls[call.Index];
                item.Text.Append(fragment);
                yield return Event("response.function_call_arguments.delta", item) with { Delta = fragment };
            }
        }

        if (choice.FinishReason is { } finish)
        {
            _finishReason = finish;
            // What the token limit or a filter cut off is incomplete; what ended before it is complete.
            foreach (var e in Close(Outcome(finish).Status))
            {
                yield return e;
            }
        }
    }

    /// <summary>Text for a reasoning or message item: a new item (and its content part) when the open one is another.</summary>
    private IEnumerable<ResponseStreamEvent> AppendText(string type, string text)
    {
        if (_open?.Type != type)
        {
            foreach (var e in Close(Completed))
            {
                yield return e;
            }

            var item = Open(type, type == OutputItem.Message ? "msg" : "rs", null, null);
            yield return Event("response.output_item.added", item, itemEvent: true);
            yield return Event("response.content_part.added", item) with { ContentIndex = 0, Part = Part(item, "") };
        }

        _open!.Text.Append(text);
        yield return type == OutputItem.Message
            ? Event("response.output_text.delta", _open) with { ContentIndex = 0, Delta = text, Logprobs = NoLogprobs }
            : Event("response.reasoning_text.delta", _open) with { ContentIndex = 0, Delta = text };
    }

    private Item Open(string type, string prefix, string? callId, string? name)
    {
        var item = new Item(type, _newId(prefix), _items.Count, callId, name);
        _items.Add(item);
        _open = item;
        return item;
    }

    private IEnumerable<ResponseStreamEvent> Close(string status)
    {
        if (_open is not { } item)
        {
            yield break;
        }

        _open = null;
        item.Status = status;
        var text = item.Text.ToString();
        switch (item.Type)
        {
            case OutputItem.Message:
                yield return Event("response.output_text.done", item) with { ContentIndex = 0, Text = text, Logprobs = NoLogprobs };
                yield return Event("response.content_part.done", item) with { ContentIndex = 0, Part = Part(item, text) };
                break;
            case OutputItem.Reasoning:
                yield return Event("response.reasoning_text.done", item) with { ContentIndex = 0, Text = text };
                yield return Event("response.content_part.done", item) with { ContentIndex = 0, Part = Part(item, text) };
                break;
            case OutputItem.WebSearchCall:
                yield return Event("response.web_search_call.completed", item);
                break;
            case OutputItem.CodeInterpreterCall:
                item.Status = item.Failed ? FailedRun : status;
                yield return Event("response.code_interpreter_call.completed", item);
                break;
            default:
                yield return Event("response.function_call_arguments.done", item) with { Name = item.Name, Arguments = text };
                break;
        }

        yield return Event("response.output_item.done", item, itemEvent: true);
    }

    private static OutputContent Part(Item item, string text) =>
        item.Type == OutputItem.Message ? OutputContent.OutputText(text, text.Length > 0 ? [.. item.Annotations] : null) : OutputContent.ReasoningText(text);

    /// <summary>An event about one item: output_item.* carry the item as it is now; the others name it by id.</summary>
    private ResponseStreamEvent Event(string type, Item item, bool itemEvent = false) => new()
    {
        Type = type,
        SequenceNumber = _sequence++,
        OutputIndex = item.OutputIndex,
        ItemId = itemEvent ? null : item.Id,
        Item = itemEvent ? item.ToOutput() : null,
    };

    private ResponseStreamEvent Lifecycle(string type, ResponseObject response) => new() { Type = type, SequenceNumber = _sequence++, Response = response };

    private ResponseObject Snapshot(string status, ResponseUsage? usage, IncompleteDetails? incomplete = null, ResponseErrorInfo? error = null) =>
        Shell(_call, _id, _createdAt, status, [.. _items.Select(i => i.ToOutput(i.Status == InProgress && status != InProgress ? Incomplete : null, _cited))],
            usage, incomplete, error, _chat.ServiceTier);

    /// <summary>An output item while it streams: its text (or arguments) so far and its status.</summary>
    private sealed class Item(string type, string id, int outputIndex, string? callId, string? name)
    {
        public List<ResponseAnnotation> Annotations { get; } = [];
        public List<ToolResultContentBlock> Results { get; } = [];
        public List<CodeInterpreterOutput>? Outputs { get; set; }
        public string? Code { get; set; }
        public bool Failed { get; set; }

        public string Type { get; } = type;
        public string Id { get; } = id;
        public int OutputIndex { get; } = outputIndex;
        public string? Name { get; } = name;
        public StringBuilder Text { get; } = new();
        public string Status { get; set; } = InProgress;

        /// <summary>A copy for the wire: events are written after later deltas may have changed the item.</summary>
        public OutputItem ToOutput(string? status = null, List<ResponseAnnotation>? cited = null)
        {
            var text = Text.ToString();
            var itemStatus = status ?? Status;
            var done = itemStatus != InProgress;
            return Type switch
            {
                OutputItem.Message => Message(Id, done ? text : null, itemStatus, [.. Annotations]),
                OutputItem.WebSearchCall => WebSearchCall(Id, itemStatus, null, cited),
                OutputItem.CodeInterpreterCall => CodeInterpreterCall(Id, itemStatus, Code ?? "", done ? Outputs : null),
                OutputItem.Reasoning => Reasoning(Id, done ? text : null, itemStatus),
                _ => FunctionCall(Id, callId ?? "", Name ?? "", done ? text : "", itemStatus),
            };
        }
    }
}
