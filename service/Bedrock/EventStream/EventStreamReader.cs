using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace BedrockNovaProxy.Bedrock.EventStream;

// Reads event-stream messages off an HTTP body as they arrive: each message is yielded as soon as its last
// byte is in, so nothing is held back waiting for the next read.
public static class EventStreamReader
{
    public static async IAsyncEnumerable<EventStreamMessage> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(minimumReadSize: 16 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (EventStreamDecoder.TryDecode(buffer, out var message, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    yield return message!;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new EventStreamFormatException($"The event stream ended inside a message ({buffer.Length} trailing bytes).");
                    }

                    yield break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
