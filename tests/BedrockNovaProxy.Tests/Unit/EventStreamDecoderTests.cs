using System.Buffers;
using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Bedrock.EventStream;

namespace BedrockNovaProxy.Tests.Unit;

public class EventStreamDecoderTests
{
    // Byte-exact frames from ../shared/reference/bedrock-runtime-wire.md §5.5 (built with AWSSDK.Core) and the
    // smithy-typescript eventstream-codec test vectors (§6).
    private const string ContentBlockDelta = "0000009F00000057C37BABFF0B3A6576656E742D74797065070011636F6E74656E74426C6F636B44656C74610D3A636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E0D3A6D6573736167652D747970650700056576656E747B22636F6E74656E74426C6F636B496E646578223A302C2264656C7461223A7B2274657874223A224869227D2C2270223A2261626364227DF2ACE5FF";
    private const string MessageStart = "00000089000000525cb13d520b3a6576656e742d7479706507000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b2270223a226162636465666768696a6b6c222c22726f6c65223a22617373697374616e74227d705f3c79";
    private const string Throttling = "000000b0000000614f5086b30f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e7920746f6b656e732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227df70ae57f";
    private const string EmptyMessage = "000000100000000005c248eb7d98c8ff";
    private const string PayloadNoHeaders = "0000001d00000000fd528c5a7b27666f6f273a27626172277dc3653936";
    private const string PayloadOneStringHeader = "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1";

    public static TheoryData<string, string?, string> GoodFrames => new()
    {
        { ContentBlockDelta, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}""" },
        { MessageStart, "messageStart", """{"p":"abcdefghijkl","role":"assistant"}""" },
        { EmptyMessage, null, "" },
        { PayloadNoHeaders, null, "{'foo':'bar'}" },
        { PayloadOneStringHeader, null, "{'foo':'bar'}" },
    };

    [Theory]
    [MemberData(nameof(GoodFrames))]
    public void Decodes_reference_frames(string hex, string? eventType, string payload)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.True(EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(bytes), out var message, out var consumed));
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        Assert.Equal(eventType, message!.EventType);
        Assert.Equal(payload, Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public void Reads_the_content_type_header_of_the_one_header_vector()
    {
        EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(Convert.FromHexString(PayloadOneStringHeader)), out var message, out _);
        Assert.Equal("application/json", message!.Headers["content-type"]);
    }

    [Fact]
    public void Exception_frames_become_typed_bedrock_errors()
    {
        EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(Convert.FromHexString(Throttling)), out var message, out _);
        var error = Assert.Throws<BedrockException>(() => ConverseEventStream.Decode(message!));
        Assert.Equal("ThrottlingException", error.ErrorType);
        Assert.Equal(429, error.StatusCode);
        Assert.True(error.InStream);
        Assert.Equal("Too many tokens, please wait before trying again.", error.BedrockMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(100)]
    [InlineData(158)]
    public void A_partial_frame_asks_for_more_bytes(int length)
    {
        var bytes = Convert.FromHexString(ContentBlockDelta)[..length];
        Assert.False(EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(bytes), out var message, out _));
        Assert.Null(message);
    }

    [Theory]
    [InlineData(1, "prelude checksum")]     // total length
    [InlineData(9, "prelude checksum")]     // the prelude CRC itself
    [InlineData(20, "message checksum")]    // a header byte
    [InlineData(120, "message checksum")]   // a payload byte
    [InlineData(158, "message checksum")]   // the message CRC
    public void A_flipped_bit_anywhere_fails_a_checksum(int index, string which)
    {
        var bytes = Convert.FromHexString(ContentBlockDelta);
        bytes[index] ^= 0x01;
        var error = Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.Contains(which, error.Message);
    }

    [Fact]
    public void Lengths_that_cannot_hold_a_message_are_refused()
    {
        // A valid prelude CRC over a total length of 8 (< 16, the smallest message).
        var prelude = new byte[12];
        prelude[3] = 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(prelude.AsSpan(0, 8)));
        var error = Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(new ReadOnlySequence<byte>(prelude), out _, out _));
        Assert.Contains("outside", error.Message);
    }

    [Fact]
    public async Task The_reader_yields_frames_split_across_arbitrary_reads_and_rejects_a_truncated_tail()
    {
        var all = Convert.FromHexString(MessageStart + ContentBlockDelta + ContentBlockDelta[..40]);
        var stream = new TrickleStream(all, [1, 7, 3, 50, 2, 200, 11]);
        var types = new List<string?>();
        var error = await Assert.ThrowsAsync<EventStreamFormatException>(async () =>
        {
            await foreach (var message in EventStreamReader.ReadAllAsync(stream, TestContext.Current.CancellationToken))
            {
                types.Add(message.EventType);
            }
        });
        Assert.Equal(["messageStart", "contentBlockDelta"], types);
        Assert.Contains("ended inside a message", error.Message);
    }

    /// <summary>Hands out the bytes in reads of the given sizes, cycling, like a slow network.</summary>
    private sealed class TrickleStream(byte[] data, int[] sizes) : Stream
    {
        private int _position;
        private int _read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, sizes[_read++ % sizes.Length]), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
