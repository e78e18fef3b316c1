using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>ConverseStream events -> OpenAI chat.completion.chunk objects, one event at a time. Pure and stateful:
/// it remembers which content block is which tool call, so tool calls get OpenAI's 0-based indexes however Bedrock
/// numbers its blocks (text blocks and tool blocks share contentBlockIndex).</summary>
public sealed class ChatStreamTranslator(ChatTranslation call, string id, long created)
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private readonly HashSet<int> _jsonBlocks = [];
    private readonly StringBuilder _heldText = new();
    private readonly ReasoningTokens _tally = new();
    private bool _jsonAnswered;
    private Bedrock.ServiceTier? _served;
    private readonly HashSet<int> _serverBlocks = [];
    private int _textLength;
    private int _lastTextStart;
    private int _textBlock = -1;

    public bool Finished { get; private set; }

    /// <summary>The answer's usage, once Bedrock's metadata event has reported it.</summary>
    public Usage? Usage { get; private set; }

    /// <summary>The tier the answer is served at: the one asked for until Bedrock's metadata event says which it was.</summary>
    public string ServiceTier => ServiceTierMapping.Reported(call.Request, _served);

    public int InputTokens => Usage?.PromptTokens ?? 0;

    public int OutputTokens => Usage?.CompletionTokens ?? 0;

    public IEnumerable<ChatCompletionChunk> Translate(ConverseStreamEvent streamEvent)
    {
        switch (streamEvent)
        {
            case ConverseStreamEvent.MessageStart:
                yield return Chunk(new ChunkDelta { Role = "assistant", Content = "" });
                break;

            case ConverseStreamEvent.BlockStart { Value: { Start.ToolResult: not null } result }:
                _serverBlocks.Add(result.ContentBlockIndex);
                break;

            case ConverseStreamEvent.BlockStart { Value: { Start.ToolUse: { } tool } start }:
                if (BuiltInTools.IsServerSide(tool.Name, tool.Type))
                {
                    // Bedrock runs it: nothing for the client to call (the Responses API shows it as its own item).
                    _serverBlocks.Add(start.ContentBlockIndex);
                    break;
                }

                if (tool.Name == call.JsonTool)
                {
                    _jsonBlocks.Add(start.ContentBlockIndex);
                    _jsonAnswered = true;
                    break;
                }

                var index = _toolIndexByBlock.Count;
                _toolIndexByBlock[start.ContentBlockIndex] = index;
                yield return Chunk(new ChunkDelta
                {
                    ToolCalls = [new ChunkToolCall { Index = index, Id = tool.ToolUseId, Type = "function", Function = new ChunkFunctionCall { Name = tool.Name, Arguments = "" } }],
                });
                break;

            case ConverseStreamEvent.BlockDelta { Value: { Delta: { } delta } block }:
                if (_serverBlocks.Contains(block.ContentBlockIndex))
                {
                    break;
                }

                if (delta.Citation is { } citation)
                {
                    if (BuiltInTools.Annotation(citation, _lastTextStart, _textLength) is { } annotation)
                    {
                        yield return Chunk(new ChunkDelta { Annotations = [annotation] });
                    }
                }
                else if (delta.Text is { Length: > 0 } text)
                {
                    if (block.ContentBlockIndex != _textBlock)
                    {
                        (_textBlock, _lastTextStart) = (block.ContentBlockIndex, _textLength);
                    }

                    _textLength += text.Length;
                    _tally.Answer(text);
                    // With response_format the answer is the JSON tool's input; text is held back in case no
                    // JSON comes (then it is the answer after all).
                    if (call.JsonTool is not null)
                    {
                        _heldText.Append(text);
                    }
                    else
                    {
                        yield return Chunk(new ChunkDelta { Content = text });
                    }
                }
                else if (delta.ToolUse?.Input is { Length: > 0 } fragment)
                {
                    _tally.Answer(fragment);
                    if (_jsonBlocks.Contains(block.ContentBlockIndex))
                    {
                        yield return Chunk(new ChunkDelta { Content = fragment });
                    }
                    else if (_toolIndexByBlock.TryGetValue(block.ContentBlockIndex, out var toolIndex))
                    {
                        yield return Chunk(new ChunkDelta
                        {
                            ToolCalls = [new ChunkToolCall { Index = toolIndex, Function = new ChunkFunctionCall { Arguments = fragment } }],
                        });
                    }
                }
                else if (delta.ReasoningContent is { } reasoning)
                {
                    _tally.Reasoning(reasoning.Text, reasoning.RedactedContent is not null);
                    if (reasoning.Text is { Length: > 0 })
                    {
                        yield return Chunk(new ChunkDelta { ReasoningContent = reasoning.Text });
                    }
                }

                break;

            case ConverseStreamEvent.MessageStop { Value: var stop }:
                if (!_jsonAnswered && _heldText.Length > 0)
                {
                    yield return Chunk(new ChunkDelta { Content = _heldText.ToString() });
                }

                var finish = FinishReasons.Map(stop.StopReason, _toolIndexByBlock.Count > 0);
                Finished = true;
                yield return Chunk(new ChunkDelta(), finish);
                break;

            case ConverseStreamEvent.Metadata { Value: var metadata }:
                var usage = ChatResponseTranslator.UsageOf(metadata.Usage, _tally);
                Usage = usage;
                _served = metadata.ServiceTier ?? _served;
                if (!call.IncludeUsage)
                {
                    break;
                }

                yield return new ChatCompletionChunk
                {
                    Id = id,
                    Created = created,
                    Model = call.Model.RequestedName,
                    ServiceTier = ServiceTier,
                    Choices = [],
                    Usage = OptionalUsage.Of(usage),
                };
                break;
        }
    }

    private ChatCompletionChunk Chunk(ChunkDelta delta, string? finishReason = null) => new()
    {
        Id = id,
        Created = created,
        Model = call.Model.RequestedName,
        ServiceTier = ServiceTier,
        Choices = [new ChunkChoice { Index = 0, Delta = delta, FinishReason = finishReason }],
        Usage = call.IncludeUsage ? OptionalUsage.Null : default,
    };
}
