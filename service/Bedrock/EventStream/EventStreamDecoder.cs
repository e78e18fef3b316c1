using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace BedrockNovaProxy.Bedrock.EventStream;

// Pure decoder for the AWS event-stream binary framing (smithy `amazon-eventstream.rst`):
//   total_length:u32 | headers_length:u32 | prelude_crc:u32 | headers | payload | message_crc:u32   (big-endian)
// Both CRC-32s are checked; any inconsistency is an EventStreamFormatException, after which the stream is unusable.
public static class EventStreamDecoder
{
    public const int PreludeLength = 12;
    public const int MinimumMessageLength = PreludeLength + 4;
    // The spec caps payloads at 24 MiB and encoded headers at 128 KiB.
    public const int MaximumMessageLength = MinimumMessageLength + (24 * 1024 * 1024) + (128 * 1024);

    /// <summary>Decodes one message from the front of <paramref name="buffer"/> if it is complete.</summary>
    /// <returns>false when more bytes are needed; <paramref name="consumed"/> is then the start of the buffer.</returns>
    public static bool TryDecode(ReadOnlySequence<byte> buffer, out EventStreamMessage? message, out SequencePosition consumed)
    {
        message = null;
        consumed = buffer.Start;
        if (buffer.Length < PreludeLength)
        {
            return false;
        }

        Span<byte> prelude = stackalloc byte[PreludeLength];
        buffer.Slice(0, PreludeLength).CopyTo(prelude);
        var totalLength = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);

        if (Crc32.HashToUInt32(prelude[..8]) != preludeCrc)
        {
            throw new EventStreamFormatException("Event stream prelude checksum mismatch.");
        }

        if (totalLength < MinimumMessageLength || totalLength > MaximumMessageLength)
        {
            throw new EventStreamFormatException($"Event stream message length {totalLength} is outside [{MinimumMessageLength}, {MaximumMessageLength}].");
        }

        if (headersLength > totalLength - MinimumMessageLength)
        {
            throw new EventStreamFormatException($"Event stream headers length {headersLength} does not fit in a message of {totalLength} bytes.");
        }

        if (buffer.Length < totalLength)
        {
            return false;
        }

        var bytes = buffer.Slice(0, totalLength).ToArray();
        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(bytes.Length - 4));
        if (Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)) != messageCrc)
        {
            throw new EventStreamFormatException("Event stream message checksum mismatch.");
        }

        var headers = DecodeHeaders(bytes.AsSpan(PreludeLength, (int)headersLength));
        var payloadStart = PreludeLength + (int)headersLength;
        var payload = new ReadOnlyMemory<byte>(bytes, payloadStart, bytes.Length - 4 - payloadStart);
        message = new EventStreamMessage(headers, payload);
        consumed = buffer.GetPosition(totalLength);
        return true;
    }

    private static Dictionary<string, string> DecodeHeaders(ReadOnlySpan<byte> span)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!span.IsEmpty)
        {
            var nameLength = span[0];
            if (nameLength == 0 || span.Length < 1 + nameLength + 1)
            {
                throw new EventStreamFormatException("Event stream header name is empty or truncated.");
            }

            var name = Text(span.Slice(1, nameLength));
            var type = span[1 + nameLength];
            span = span[(2 + nameLength)..];
            headers[name] = ReadValue(type, ref span);
        }

        return headers;
    }

    private static string ReadValue(byte type, ref ReadOnlySpan<byte> span)
    {
        switch (type)
        {
            case 0: return "true";
            case 1: return "false";
            case 2: return Take(ref span, 1)[0].ToString(CultureInfo.InvariantCulture);
            case 3: return BinaryPrimitives.ReadInt16BigEndian(Take(ref span, 2)).ToString(CultureInfo.InvariantCulture);
            case 4: return BinaryPrimitives.ReadInt32BigEndian(Take(ref span, 4)).ToString(CultureInfo.InvariantCulture);
            case 5: return BinaryPrimitives.ReadInt64BigEndian(Take(ref span, 8)).ToString(CultureInfo.InvariantCulture);
            case 6: return Convert.ToBase64String(Take(ref span, BinaryPrimitives.ReadUInt16BigEndian(Take(ref span, 2))));
            case 7: return Text(Take(ref span, BinaryPrimitives.ReadUInt16BigEndian(Take(ref span, 2))));
            case 8:
                var milliseconds = BinaryPrimitives.ReadInt64BigEndian(Take(ref span, 8));
                if (milliseconds < MinTimestamp || milliseconds > MaxTimestamp)
                {
                    throw new EventStreamFormatException($"Event stream timestamp header {milliseconds} ms is outside the years 1 to 9999.");
                }

                return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("O", CultureInfo.InvariantCulture);
            case 9: return new Guid(Take(ref span, 16), bigEndian: true).ToString();
            default: throw new EventStreamFormatException($"Event stream header value type {type} is unknown.");
        }
    }

    private static readonly long MinTimestamp = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestamp = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Names and string values must be UTF-8: anything else is a corrupt frame, not text to guess at.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new EventStreamFormatException("Event stream header text is not UTF-8.");
        }
    }

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> span, int count)
    {
        if (span.Length < count)
        {
            throw new EventStreamFormatException("Event stream header value is truncated.");
        }

        var taken = span[..count];
        span = span[count..];
        return taken;
    }
}
