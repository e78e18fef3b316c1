namespace BedrockNovaProxy.Bedrock.EventStream;

// One decoded `application/vnd.amazon.eventstream` message. Header values of every wire type are kept as text:
// the only headers Bedrock sends (:message-type, :event-type, :exception-type, :content-type) are strings.
public sealed record EventStreamMessage(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Payload)
{
    public string? MessageType => Headers.GetValueOrDefault(":message-type");
    public string? EventType => Headers.GetValueOrDefault(":event-type");
    public string? ExceptionType => Headers.GetValueOrDefault(":exception-type");
    public string? ErrorCode => Headers.GetValueOrDefault(":error-code");
    public string? ErrorMessage => Headers.GetValueOrDefault(":error-message");
}

public sealed class EventStreamFormatException(string message) : Exception(message);
