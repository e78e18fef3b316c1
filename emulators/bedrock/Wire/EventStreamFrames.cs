using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime.EventStreams;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>application/vnd.amazon.eventstream frames, encoded by AWSSDK.Core (prelude and message CRC-32s included),
/// so the framing is the one AWS's own SDK reads.</summary>
public static class EventStreamFrames
{
    public const string ContentType = "application/vnd.amazon.eventstream";
    private const string Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static byte[] Event(StreamEvent e, bool pad, int sequence)
    {
        var payload = e.Payload.DeepClone().AsObject();
        if (pad && e.Type is "messageStart" or "contentBlockDelta")
        {
            // Bedrock's unmodelled length-hiding field; clients must ignore it.
            payload["p"] = Padding[..(1 + (sequence * 7 % Padding.Length))];
        }

        return Frame(":event-type", e.Type, "event", payload.ToJsonString());
    }

    public static byte[] Exception(BedrockError error) =>
        Frame(":exception-type", error.StreamExceptionType, "exception", new JsonObject { ["message"] = error.Message }.ToJsonString());

    private static byte[] Frame(string typeHeader, string type, string messageType, string json)
    {
        var headers = new List<IEventStreamHeader>
        {
            StringHeader(typeHeader, type),
            StringHeader(":content-type", "application/json"),
            StringHeader(":message-type", messageType),
        };
        return new EventStreamMessage(headers, Encoding.UTF8.GetBytes(json)).ToByteArray();
    }

    private static EventStreamHeader StringHeader(string name, string value)
    {
        var header = new EventStreamHeader(name);
        header.SetString(value);
        return header;
    }
}
