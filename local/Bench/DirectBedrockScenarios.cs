using System.Buffers;
using System.Text.Json;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock.EventStream;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.Local.Bench;

/// <summary>The baseline: the same conversation sent straight to the Bedrock emulator, signed with SigV4 as the
/// proxy signs it. Proxy latency minus this is what the proxy adds.</summary>
public sealed class DirectBedrockScenarios(HttpClient http, Uri bedrock, string modelId, string prompt)
{
    private readonly SigV4Signer _signer = new(bedrock, LocalCredentials.Region);
    private readonly ImmutableCredentials _credentials = new(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, null);
    private readonly byte[] _body = JsonSerializer.SerializeToUtf8Bytes(new
    {
        messages = new[] { new { role = "user", content = new[] { new { text = prompt } } } },
        inferenceConfig = new { maxTokens = 256 },
    });

    public async Task<StepResult> ConverseAsync(CancellationToken ct)
    {
        using var response = await http.SendAsync(Signed("/model/{modelId}/converse"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? StepResult.Success(200) : StepResult.Fail((int)response.StatusCode, body);
    }

    public async Task<StepResult> ConverseStreamAsync(CancellationToken ct)
    {
        var clock = new ChunkClock();
        using var response = await http.SendAsync(Signed("/model/{modelId}/converse-stream"), HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            return StepResult.Fail((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk.AsSpan(0, read));
            var pending = new ReadOnlySequence<byte>(buffer.WrittenMemory);
            var consumedBytes = 0L;
            while (EventStreamDecoder.TryDecode(pending, out var message, out var consumed))
            {
                consumedBytes += pending.Slice(0, consumed).Length;
                pending = pending.Slice(consumed);
                if (message!.EventType == "contentBlockDelta")
                {
                    clock.Chunk();
                }
                else if (message.EventType == "metadata")
                {
                    // Bedrock's last event: the answer is whole, as [DONE] says through the proxy.
                    return StepResult.Success(200, clock.FirstToken, clock.Gaps);
                }
            }

            var rest = buffer.WrittenSpan[(int)consumedBytes..].ToArray();
            buffer.Clear();
            buffer.Write(rest);
        }

        return StepResult.Fail(200, "stream ended without its metadata event");
    }

    private HttpRequestMessage Signed(string path) =>
        _signer.Sign(path, modelId, _body, "application/json", _credentials, DateTime.UtcNow).ToHttpRequest(_body);
}
