using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Scenarios;

/// <summary>What clients of the proxy do, as scenario steps over HTTP: a chat completion, a streamed one (time to
/// first token and gaps between chunks measured from the SSE events), the model list, and a weighted mix.</summary>
public sealed class OpenAiScenarios(HttpClient http, string model, string prompt, string? apiKey)
{
    public static readonly string[] Names = ["chat", "chat-stream", "models", "mix"];

    public Func<CancellationToken, Task<StepResult>> Step(string name, int seed = 1) => name switch
    {
        "chat" => ChatAsync,
        "chat-stream" => ChatStreamAsync,
        "models" => ModelsAsync,
        "mix" => Mix(seed),
        _ => throw new ArgumentException($"Unknown scenario '{name}'. Known: {string.Join(", ", Names)}."),
    };

    /// <summary>60% chat, 30% streamed chat, 10% model list, drawn from a seeded generator so runs repeat.</summary>
    private Func<CancellationToken, Task<StepResult>> Mix(int seed)
    {
        var random = new Random(seed);
        var gate = new Lock();
        return ct =>
        {
            int roll;
            lock (gate)
            {
                roll = random.Next(100);
            }

            return roll < 60 ? ChatAsync(ct) : roll < 90 ? ChatStreamAsync(ct) : ModelsAsync(ct);
        };
    }

    public async Task<StepResult> ChatAsync(CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(stream: false), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode && body.Contains("\"choices\"", StringComparison.Ordinal)
            ? StepResult.Success((int)response.StatusCode)
            : StepResult.Fail((int)response.StatusCode, ErrorOf(body));
    }

    public async Task<StepResult> ChatStreamAsync(CancellationToken ct)
    {
        var clock = new ChunkClock();
        using var response = await http.SendAsync(Request(stream: true), HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            return StepResult.Fail((int)response.StatusCode, ErrorOf(await response.Content.ReadAsStringAsync(ct)));
        }

        // Each event is timed as the parser hands it over, i.e. when its terminating blank line arrives.
        var done = false;
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct))
        {
            var data = item.Data;
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            if (data.StartsWith("{\"error\"", StringComparison.Ordinal))
            {
                return StepResult.Fail((int)response.StatusCode, "stream error: " + ErrorOf(data));
            }

            if (data.Contains("\"content\":\"", StringComparison.Ordinal) && !data.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                clock.Chunk();
            }
        }

        return done ? StepResult.Success(200, clock.FirstToken, clock.Gaps) : StepResult.Fail(200, "stream ended without [DONE]");
    }

    public async Task<StepResult> ModelsAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        Authorize(request);
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? StepResult.Success(200) : StepResult.Fail((int)response.StatusCode, ErrorOf(body));
    }

    private HttpRequestMessage Request(bool stream)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model,
            ["stream"] = stream,
            ["max_tokens"] = 256,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        Authorize(request);
        return request;
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code)
                ? code.GetString() ?? "error" : "unexpected body";
        }
        catch (JsonException)
        {
            return body.Length > 80 ? body[..80] : body;
        }
    }
}
