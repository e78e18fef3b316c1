namespace BedrockNovaProxy.Bedrock;

/// <summary>One event of a ConverseStream response, typed by its `:event-type`.</summary>
public abstract record ConverseStreamEvent
{
    public sealed record MessageStart(MessageStartEvent Value) : ConverseStreamEvent;
    public sealed record BlockStart(ContentBlockStartEvent Value) : ConverseStreamEvent;
    public sealed record BlockDelta(ContentBlockDeltaEvent Value) : ConverseStreamEvent;
    public sealed record BlockStop(ContentBlockStopEvent Value) : ConverseStreamEvent;
    public sealed record MessageStop(MessageStopEvent Value) : ConverseStreamEvent;
    public sealed record Metadata(MetadataEvent Value) : ConverseStreamEvent;
}
