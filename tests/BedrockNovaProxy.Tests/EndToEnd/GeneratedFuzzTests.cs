using System.Net.Http.Headers;
using BedrockNovaProxy.Tests.Support;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Generated requests (<see cref="RequestMutations"/>) to every endpoint in every hosting mode: whatever
/// arrives, the answer is a success or a client error in OpenAI's shape, every stream ends as its API ends one, and
/// nothing hangs. The local Bedrock injects no faults here, so only an upstream 502/503/504 may be a 5xx.</summary>
public class GeneratedFuzzTests(LocalSystems systems) : EndToEndTest
{
    private static readonly Dictionary<string, string[]> Seeds = new()
    {
        ["v1/chat/completions"] =
        [
            """{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],"max_tokens":20,"temperature":0.5,"top_p":0.9,"stop":["x"]}""",
            """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"call get_weather city=Paris"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"21C"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"auto"}""",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"name=Ada"}],"response_format":{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}""",
        ],
        ["v1/responses"] =
        [
            """{"model":"gpt-4o","instructions":"Be brief.","input":"Hello","max_output_tokens":20,"temperature":0.5,"top_p":0.9,"metadata":{"a":"b"},"store":false,"truncation":"disabled"}""",
            """{"model":"gpt-4o-mini","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"hi"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"},{"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}]}]}""",
            """{"model":"gpt-4o","input":[{"type":"message","role":"user","content":"call get_weather city=Paris"},{"type":"function_call","id":"fc_1","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},{"type":"function_call_output","call_id":"c1","output":"21C"}],"tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}],"tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":true}""",
            """{"model":"gpt-5-mini","stream":true,"input":[{"role":"developer","content":"x"},{"role":"user","content":"name=Ada"},{"type":"reasoning","id":"rs_1","summary":[]},{"role":"assistant","content":[{"type":"output_text","text":"ok","annotations":[]}]},{"role":"user","content":"again"}],"reasoning":{"effort":"low","summary":"auto"},"text":{"format":{"type":"json_schema","name":"p","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}""",
        ],
        ["v1/embeddings"] =
        [
            """{"model":"text-embedding-3-small","input":"Hello"}""",
            """{"model":"text-embedding-3-small","input":["a","b"],"dimensions":256,"encoding_format":"base64","user":"u"}""",
            """{"model":"nova-embed","input":["one"],"encoding_format":"float"}""",
        ],
    };

    /// <summary>Cases per endpoint and hosting mode in CI (times BEDROCK_PROXY_FUZZ_SCALE).</summary>
    private const int Cases = 250;

    /// <summary>Far above any honest answer here; a case that takes longer has hung.</summary>
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(30);

    public static TheoryData<string, Hosting> Targets => new(
        from path in Seeds.Keys
        from hosting in Enum.GetValues<Hosting>()
        select (path, hosting));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Generated_requests_get_an_answer_or_a_client_error_never_a_server_error(string path, Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var statuses = new Dictionary<int, int>();
        var seed = (ulong)(20261204 + (Array.IndexOf([.. Seeds.Keys], path) * 10) + (int)hosting);
        await GeneratedCases.CheckAsync(RequestMutations.Gen, async request =>
        {
            var status = await SendAsync(system, path, request);
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
        }, seed, Cases, r => r.ToString() + ": " + Show(RequestMutations.Build(r, Seeds[path]).Body));

        TestContext.Current.TestOutputHelper?.WriteLine($"{path} on {hosting}: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");

        // The generation reaches both sides: some requests stay valid, most are refused.
        Assert.True(statuses.GetValueOrDefault(200) > Cases / 20 && statuses.Where(s => s.Key >= 400).Sum(s => s.Value) > Cases / 3, string.Join(", ", statuses));
    }

    private static async Task<int> SendAsync(LocalSystem system, string path, MutatedRequest request)
    {
        var (body, contentType, contentEncoding) = RequestMutations.Build(request, Seeds[path]);
        using var timeout = new CancellationTokenSource(HangAfter, TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, Ct);
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            using var response = await system.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (status == 200 && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                AssertStreamEnds(path, await Sse.AllAsync(response, linked.Token));
                return status;
            }

            var text = await response.Content.ReadAsStringAsync(linked.Token);
            Assert.True(status is 200 or (>= 400 and < 500) or 502 or 503 or 504, $"{status}: {text}");
            if (status != 200)
            {
                AssertOpenAiError(text);
            }

            return status;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete answer within {HangAfter}.");
        }
    }

    internal static void AssertOpenAiError(string text)
    {
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(["code", "message", "param", "type"], error.EnumerateObject().Select(p => p.Name).Order());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), text);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
    }

    /// <summary>Chat completions end with [DONE] or an error event; the Responses API with its terminal event or an
    /// error event.</summary>
    private static void AssertStreamEnds(string path, List<System.Net.ServerSentEvents.SseItem<string>> events)
    {
        Assert.NotEmpty(events);
        var last = events[^1];
        var isError = last.Data.StartsWith('{') && JsonDocument.Parse(last.Data).RootElement.TryGetProperty("error", out _);
        if (path == "v1/responses")
        {
            Assert.True(isError || last.EventType is "response.completed" or "response.incomplete" or "response.failed" or "error", $"{last.EventType}: {last.Data}");
        }
        else
        {
            Assert.True(isError || last.Data == "[DONE]", last.Data);
        }
    }

    private static string Show(byte[] body) => body.Length > 400
        ? System.Text.Encoding.UTF8.GetString(body, 0, 400) + $"... ({body.Length} bytes)"
        : System.Text.Encoding.UTF8.GetString(body);
}
