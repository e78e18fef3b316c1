using System.Buffers;
using BedrockNovaProxy.Bedrock.EventStream;

namespace BedrockNovaProxy.Tests.Unit;

public class EventStreamFuzzTests
{
    /// <summary>Random bytes, and random bytes behind a plausible prelude: the decoder asks for more, decodes, or
    /// refuses with EventStreamFormatException; never another exception, never a loop without progress.</summary>
    [Fact]
    public void Survives_random_bytes()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 256)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4 && random.Next(2) == 0)
            {
                // A small total length, so the decoder reaches the CRC and header checks rather than waiting.
                bytes[0] = 0;
                bytes[1] = 0;
                bytes[2] = 0;
                bytes[3] = (byte)random.Next(16, 256);
            }

            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                var steps = 0;
                while (EventStreamDecoder.TryDecode(buffer, out _, out var consumed))
                {
                    var next = buffer.Slice(consumed);
                    Assert.True(next.Length < buffer.Length, "a decoded message consumes bytes");
                    buffer = next;
                    Assert.True(++steps < 1000);
                }
            }
            catch (EventStreamFormatException)
            {
                // Refused: the only acceptable failure.
            }
        }
    }
}
