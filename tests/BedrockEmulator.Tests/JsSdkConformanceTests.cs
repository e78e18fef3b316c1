using System.Text.Json;
using BedrockNovaProxy.Emulators.Bedrock.Transport;
using BedrockNovaProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>AWS's JavaScript SDK v3 (@aws-sdk/client-bedrock-runtime, pinned in emulators/bedrock/conformance, unchanged)
/// against the emulator, over HTTP/2 as it speaks by default: h2c with prior knowledge on the http:// endpoint, ALPN h2
/// on the https:// one (the emulator's CA trusted through NODE_EXTRA_CA_CERTS). Its signer, restJson1 parser, event
/// stream codec and error classes judge the emulator; js_conformance.mjs reports what the SDK saw, the assertions are here.</summary>
public class JsSdkConformanceTests
{
    private static readonly string Folder = ExternalTools.RepositoryPath("emulators", "bedrock", "conformance");

    public static TheoryData<string> Transports => new("h2c", "https");

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task The_js_sdk_accepts_the_emulator_over_http2(string transport)
    {
        var ct = TestContext.Current.CancellationToken;
        ExternalTools.Require(await ExternalTools.RunsAsync("node", ["--version"], ct), "node is not installed");
        ExternalTools.Require(Directory.Exists(Path.Combine(Folder, "node_modules", "@aws-sdk", "client-bedrock-runtime")),
            $"the JS SDK is not installed: npm ci --prefix {Folder}");
        await using var emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0"], o => (o.Http2Url, o.HttpsUrl) = ("http://127.0.0.1:0", "https://127.0.0.1:0"));
        await emulator.StartAsync(ct);
        var endpoints = emulator.Services.GetRequiredService<EmulatorEndpoints>();
        var endpoint = transport == "h2c" ? endpoints.Http2Url! : endpoints.HttpsUrl!;

        var run = await ExternalTools.RunAsync("node", ["--no-warnings", "js_conformance.mjs", endpoint.ToString().TrimEnd('/')], ct, Folder,
            new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = endpoints.CaBundlePath! });

        Assert.True(run.ExitCode == 0, run.Output);
        using var report = JsonDocument.Parse(run.Stdout);
        var r = report.RootElement;
        Assert.Equal("NodeHttp2Handler", r.GetProperty("handler").GetString());

        var converse = r.GetProperty("converse");
        Assert.Equal(("You said: hello there", "end_turn", 200), (Str(converse, "text"), Str(converse, "stopReason"), converse.GetProperty("status").GetInt32()));
        Assert.Equal((2, 5, 7), Usage(converse));
        Assert.True(Guid.TryParse(Str(converse, "requestId"), out _));

        var stream = r.GetProperty("converseStream");
        Assert.Equal("You said: stream me", Str(stream, "text"));
        var kinds = stream.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Equal(["messageStart", "contentBlockDelta"], kinds[..2]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], kinds[^3..]);
        Assert.Equal((2, 5, 7), Usage(stream));

        foreach (var (name, city) in new[] { ("toolUse", "Paris"), ("toolUseStream", "Oslo") })
        {
            var tool = r.GetProperty(name);
            Assert.Equal(("tool_use", "get_weather", city), (Str(tool, "stopReason"), Str(tool, "name"), tool.GetProperty("input").GetProperty("city").GetString()));
        }

        var titan = r.GetProperty("titanEmbedding");
        Assert.Equal((256, 2), (titan.GetProperty("dimensions").GetInt32(), titan.GetProperty("inputTextTokenCount").GetInt32()));
        Assert.Equal(1.0, titan.GetProperty("norm").GetDouble(), 3);
        var nova = r.GetProperty("novaEmbedding");
        Assert.Equal((1, "TEXT", 384), (nova.GetProperty("count").GetInt32(), Str(nova, "embeddingType"), nova.GetProperty("dimensions").GetInt32()));
        Assert.Equal(1.0, nova.GetProperty("norm").GetDouble(), 3);

        // Modelled errors arrive as the SDK's own classes; the signature failure (not in the model) as a ServiceException.
        AssertError(r, "validation", "ValidationException", 400, typed: true, "A conversation must start with a user message.");
        AssertError(r, "midStream", "ThrottlingException", null, typed: true, "Too many tokens");
        AssertError(r, "badSignature", "InvalidSignatureException", 403, typed: false, "The request signature we calculated does not match");

        var stats = emulator.Services.GetRequiredService<EmulatorStats>();
        Assert.Equal(9, stats.Http2.Requests); // every call above, on HTTP/2
        Assert.Equal(0, stats.Http1.Requests);
    }

    private static void AssertError(JsonElement report, string call, string name, int? status, bool typed, string message)
    {
        var error = report.GetProperty(call).GetProperty("error");
        Assert.Equal((name, typed, "client"), (Str(error, "name"), error.GetProperty("typed").GetBoolean(), Str(error, "fault")));
        Assert.Equal(status, error.GetProperty("status").ValueKind == JsonValueKind.Null ? null : error.GetProperty("status").GetInt32());
        Assert.StartsWith(message, Str(error, "message"));
    }

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static (int, int, int) Usage(JsonElement e)
    {
        var usage = e.GetProperty("usage");
        return (usage.GetProperty("inputTokens").GetInt32(), usage.GetProperty("outputTokens").GetInt32(), usage.GetProperty("totalTokens").GetInt32());
    }
}
