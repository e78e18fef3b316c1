#:sdk Microsoft.NET.Sdk.Web
#:project ../../common/BedrockNovaProxy.Common.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=false
// The framework's floor for a proxy: what Kestrel in, one SigV4-signed HttpMessageInvoker call to the local Bedrock
// and the answer back cost, with none of the proxy's work (no middleware, keys, limits, translation or JSON models).
// scripts/bench.sh --framework-floor runs it in the proxy's place, so the proxy's figures can be read against what any ASP.NET
// Core proxy would pay on the same machine. It forwards the chat request's first message text (so the local Bedrock's
// latency markers apply), answers a fixed chat.completion, and relays a stream as one fixed SSE chunk per read that
// holds a token, then [DONE] when Bedrock's body ends. Not a product: no checks at all.
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var signer = new SigV4Signer(new Uri(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")!), LocalCredentials.Region);
var credentials = new ImmutableCredentials(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, null);
var bedrock = new HttpMessageInvoker(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
var completion = """{"id":"chatcmpl-floor","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"""u8.ToArray();
var chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"u8.ToArray();
var done = "data: [DONE]\n\n"u8.ToArray();

app.MapGet("/health", () => "ok");
app.MapPost("/v1/chat/completions", async context =>
{
    using var request = new MemoryStream();
    await context.Request.Body.CopyToAsync(request, context.RequestAborted);
    var (prompt, stream) = Read(request.GetBuffer().AsSpan(0, (int)request.Length));
    var body = JsonSerializer.SerializeToUtf8Bytes(new { messages = new[] { new { role = "user", content = new[] { new { text = prompt } } } } });
    var path = stream ? "/model/{modelId}/converse-stream" : "/model/{modelId}/converse";
    using var message = signer.Sign(path, "amazon.nova-lite-v1:0", body, "application/json", credentials, DateTime.UtcNow).ToHttpRequest(body);
    using var response = await bedrock.SendAsync(message, context.RequestAborted);
    if (!stream)
    {
        await response.Content.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = completion.Length;
        await context.Response.Body.WriteAsync(completion, context.RequestAborted);
        return;
    }

    context.Response.ContentType = "text/event-stream";
    await using var events = await response.Content.ReadAsStreamAsync(context.RequestAborted);
    var buffer = new byte[16 * 1024];
    int read;
    while ((read = await events.ReadAsync(buffer, context.RequestAborted)) > 0)
    {
        if (buffer.AsSpan(0, read).IndexOf("contentBlockDelta"u8) >= 0)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    await context.Response.Body.WriteAsync(done, context.RequestAborted);
});
app.Run();

// The first "content" string and whether "stream" is true, read in one pass.
static (string Prompt, bool Stream) Read(ReadOnlySpan<byte> json)
{
    var reader = new Utf8JsonReader(json);
    var (prompt, stream) = ((string?)null, false);
    while (reader.Read())
    {
        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            continue;
        }

        if (reader.ValueTextEquals("content"u8) && prompt is null && reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            prompt = reader.GetString();
        }
        else if (reader.ValueTextEquals("stream"u8) && reader.Read())
        {
            stream = reader.TokenType == JsonTokenType.True;
        }
    }

    return (prompt ?? "", stream);
}
