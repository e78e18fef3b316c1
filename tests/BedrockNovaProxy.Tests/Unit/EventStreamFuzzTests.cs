using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Amazon.Runtime.EventStreams;
using BedrockNovaProxy.Bedrock.EventStream;
using BedrockNovaProxy.Tests.Support;
using CsCheck;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>Frames that pass their CRCs: encoded by AWSSDK.Core (as the local Bedrock encodes them), their headers
/// and payload edited, both CRCs recomputed, then fed whole, cut short and split in two at every byte. The decoder
/// decodes, asks for more bytes, or throws its own <see cref="EventStreamFormatException"/>: nothing else. (Random
/// bytes almost never pass the prelude CRC, so these reach the header decoder that random bytes never did.)</summary>
public class EventStreamFuzzTests
{
    /// <summary>One frame: headers of every wire type (type, name, value seed), a payload, and byte edits after the
    /// prelude (position, value; the CRCs are recomputed after them).</summary>
    public sealed record Frame((int Type, int Name, long Value)[] Headers, byte[] Payload, (int At, byte Value)[] Edits, int LengthEdit);

    private static readonly string[] Names = [":event-type", ":message-type", ":content-type", ":exception-type", ":error-code", "x", "é", new string('n', 255)];

    private static readonly Gen<Frame> Frames = Gen.Select(
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 7], Gen.Long).Array[0, 5],
        Gen.Byte.Array[0, 64],
        Gen.Select(Gen.Int[0, 10_000], Gen.Byte).Array[0, 4],
        Gen.Int[0, 9],
        (headers, payload, edits, length) => new Frame(headers, payload, edits, length));

    [Fact]
    public async Task Frames_that_pass_their_crcs_decode_or_fail_with_the_decoders_own_error()
    {
        var outcomes = new Dictionary<string, int>();
        var cases = await GeneratedCases.Check(Frames, frame =>
        {
            var bytes = Encode(frame);
            var whole = Outcome(new ReadOnlySequence<byte>(bytes));
            outcomes[whole] = outcomes.GetValueOrDefault(whole) + 1;
            for (var split = 1; split < bytes.Length; split++)
            {
                // Split in two segments: the same outcome as whole. Cut short: never a message, at most an error.
                Assert.Equal(whole, Outcome(TwoSegments(bytes, split)));
                Assert.NotEqual("decoded", Outcome(new ReadOnlySequence<byte>(bytes, 0, split)));
            }
        }, seed: 20261204, cases: 2000, print: f => Convert.ToHexString(Encode(f)));

        // The edits reach both ends: most frames decode, many are refused past the CRCs.
        Assert.True(outcomes.GetValueOrDefault("decoded") > cases / 4 && outcomes.GetValueOrDefault("refused") > cases / 10, string.Join(", ", outcomes));
    }

    /// <summary>Shrunk failures of the test above, and edges written by hand: each is the decoder's own error.</summary>
    public static TheoryData<string, byte[]> Refused => new()
    {
        // fuzz: a timestamp beyond year 9999 threw ArgumentOutOfRangeException out of the decoder.
        { "timestamp after 9999", Raw([4, .. "t"u8, 8, .. Int64(long.MaxValue)]) },
        { "timestamp before year 1", Raw([4, .. "t"u8, 8, .. Int64(-62135596800001)]) },
        { "header name not UTF-8", Raw([1, 0xff, 0]) },
        { "string value not UTF-8", Raw([1, .. "s"u8, 7, 0, 2, 0xc3, 0x28]) },
        { "string value longer than the headers", Raw([1, .. "s"u8, 7, 0xff, 0xff, .. "abc"u8]) },
        { "unknown value type", Raw([1, .. "u"u8, 10]) },
        { "empty header name", Raw([0, 0]) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_broken_headers_with_its_own_error(string name, byte[] frame) =>
        Assert.True(Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(frame), out _, out _)).Message.Length > 0, name);

    private static string Outcome(ReadOnlySequence<byte> buffer)
    {
        try
        {
            if (!EventStreamDecoder.TryDecode(buffer, out var message, out var consumed))
            {
                return "more";
            }

            Assert.NotNull(message);
            Assert.True(buffer.Slice(consumed).Length < buffer.Length, "a decoded message consumes bytes");
            return "decoded";
        }
        catch (EventStreamFormatException)
        {
            return "refused";
        }
    }

    private static byte[] Encode(Frame frame)
    {
        var headers = new List<IEventStreamHeader>();
        foreach (var (type, name, value) in frame.Headers.DistinctBy(h => Names[h.Name % Names.Length])) // AWSSDK takes each name once
        {
            var header = new EventStreamHeader(Names[name % Names.Length]);
            switch (type)
            {
                case 0 or 1: header.SetBool(type == 0); break;
                case 2: header.SetSByte((sbyte)value); break;
                case 3: header.SetInt16((short)value); break;
                case 4: header.SetInt32((int)value); break;
                case 5: header.SetInt64(value); break;
                case 6: header.SetByteBuf(BitConverter.GetBytes(value)); break;
                case 7: header.SetString(value % 3 == 0 ? "application/json" : value.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                case 8: header.SetTimestamp(DateTime.UnixEpoch.AddMilliseconds(value % 100_000_000_000L)); break;
                default: header.SetUUID(new Guid(BitConverter.GetBytes(value).Concat(BitConverter.GetBytes(~value)).ToArray())); break;
            }

            headers.Add(header);
        }

        var bytes = new Amazon.Runtime.EventStreams.EventStreamMessage(headers, frame.Payload).ToByteArray();
        foreach (var (at, value) in frame.Edits)
        {
            // Only after the prelude: the decoder must survive whatever headers and payload say.
            var span = bytes.Length - EventStreamDecoder.MinimumMessageLength;
            if (span > 0)
            {
                bytes[EventStreamDecoder.PreludeLength + (at % span)] = value;
            }
        }

        if (frame.LengthEdit > 6)
        {
            // A headers length that disagrees with the headers (the prelude CRC recomputed too).
            var headersLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4));
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)(headersLength + frame.LengthEdit - 8));
        }

        return WithCrcs(bytes);
    }

    /// <summary>A frame of the given header bytes and an empty payload, its lengths and CRCs right.</summary>
    private static byte[] Raw(byte[] headers)
    {
        var bytes = new byte[EventStreamDecoder.MinimumMessageLength + headers.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)headers.Length);
        headers.CopyTo(bytes, EventStreamDecoder.PreludeLength);
        return WithCrcs(bytes);
    }

    private static byte[] WithCrcs(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var second = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
