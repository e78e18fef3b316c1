using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BedrockNovaProxy.Emulators.Bedrock.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>Clients that speak HTTP/2 badly, written frame by frame on a raw socket to the h2c endpoint (RFC 9113):
/// a preface alone, a stream reset in the middle of its body, a flood of streams opened and reset at once. None takes
/// the emulator down: a well-behaved HTTP/2 client is served after each.</summary>
public class Http2AbuseTests
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4;
    private const byte EndStream = 0x1, EndHeaders = 0x4;
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the local Bedrock with an h2c endpoint, lets <paramref name="abuse"/> loose on it, then checks that
    /// a well-behaved client is still served.</summary>
    private static async Task SurvivesAsync(Func<Uri, Task> abuse)
    {
        await using var app = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None"], o => o.Http2Url = "http://127.0.0.1:0");
        await app.StartAsync(Ct);
        var h2c = app.Services.GetRequiredService<EmulatorEndpoints>().Http2Url!;

        await abuse(h2c);

        await AssertServedAsync(h2c);
    }

    [Fact]
    public Task A_preface_alone_then_silence() => SurvivesAsync(async h2c =>
    {
        using (var socket = await ConnectAsync(h2c))
        {
            await socket.WriteAsync(Preface, Ct);
        }

        using (var socket = await ConnectAsync(h2c))
        {
            await socket.WriteAsync(Preface.AsMemory(0, 10), Ct); // not even the whole preface
        }
    });

    [Fact]
    public Task A_stream_reset_in_the_middle_of_its_body() => SurvivesAsync(async h2c =>
    {
        using (var socket = await ConnectAsync(h2c))
        {
            await socket.WriteAsync(Concat(Preface, Frame(Settings, 0, 0, []),
                Frame(Headers, EndHeaders, 1, Request(h2c, "POST", "/model/amazon.nova-lite-v1:0/converse-stream")),
                Frame(Data, 0, 1, """{"messages":[{"role":"us"""u8.ToArray()),
                Frame(RstStream, 0, 1, ErrorCode(0x8))), Ct); // CANCEL, with the body half sent
            await socket.WriteAsync(Frame(Headers, EndHeaders | EndStream, 3, Request(h2c, "GET", "/_emulator/health")), Ct);
            await ReadSomeAsync(socket); // the server goes on serving that connection
        }
    });

    [Fact]
    public Task A_flood_of_streams_opened_and_reset_at_once() => SurvivesAsync(async h2c =>
    {
        using (var socket = await ConnectAsync(h2c))
        {
            var frames = new List<byte[]> { Preface, Frame(Settings, 0, 0, []) };
            for (var stream = 1; stream < 2 * 2000; stream += 2)
            {
                frames.Add(Frame(Headers, EndHeaders, stream, Request(h2c, "POST", "/model/amazon.nova-lite-v1:0/converse")));
                frames.Add(Frame(RstStream, 0, stream, ErrorCode(0x8)));
            }

            try
            {
                await socket.WriteAsync(Concat([.. frames]), Ct);
                await ReadSomeAsync(socket);
            }
            catch (IOException)
            {
                // The server may close the connection on such a client (a GOAWAY, then the socket): that is its right.
            }
        }
    });

    /// <summary>A well-behaved client (HttpClient, HTTP/2 with prior knowledge) is still served.</summary>
    private static async Task AssertServedAsync(Uri h2c)
    {
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var health = await client.GetAsync(new Uri(h2c, "_emulator/health"), Ct);
        using var unsigned = await client.PostAsync(new Uri(h2c, "model/amazon.nova-lite-v1:0/converse"), new StringContent("{}"), Ct);

        Assert.Equal((HttpStatusCode.OK, new Version(2, 0)), (health.StatusCode, health.Version));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode); // unsigned: Bedrock's own refusal, as always
    }

    private static async Task<NetworkStream> ConnectAsync(Uri endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port, Ct);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task ReadSomeAsync(NetworkStream socket)
    {
        var buffer = new byte[4096];
        _ = await socket.ReadAsync(buffer, Ct);
    }

    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    /// <summary>A request's header block in HPACK (RFC 7541), literals without Huffman coding.</summary>
    private static byte[] Request(Uri endpoint, string method, string path)
    {
        var block = new List<byte> { method == "GET" ? (byte)0x82 : (byte)0x83, 0x86 }; // :method GET|POST, :scheme http
        Literal(block, 0x04, path); // :path
        Literal(block, 0x01, endpoint.Authority); // :authority
        block.AddRange([0x00, 12, .. "content-type"u8, 16, .. "application/json"u8]);
        return [.. block];
    }

    private static void Literal(List<byte> block, byte nameIndex, string value)
    {
        block.Add(nameIndex); // literal without indexing, indexed name
        block.Add((byte)value.Length);
        block.AddRange(Encoding.ASCII.GetBytes(value));
    }

    private static byte[] ErrorCode(int code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, code);
        return payload;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
