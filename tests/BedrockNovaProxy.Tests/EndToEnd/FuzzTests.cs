using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Thousands of mutated requests against the running proxy: whatever arrives, the answer is a success or a
/// client error in OpenAI's shape, never a 5xx (the emulator injects no faults here, so a 5xx would be the proxy's).</summary>
public class FuzzTests(LocalSystems systems)
{
    private static readonly string[] ChatSeeds =
    [
        """{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],"max_tokens":20,"temperature":0.5,"top_p":0.9,"stop":["x"]}""",
        """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""",
        """{"model":"gpt-4o","messages":[{"role":"user","content":"call get_weather city=Paris"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"21C"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"auto"}""",
        """{"model":"gpt-4o","messages":[{"role":"user","content":"name=Ada"}],"response_format":{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}""",
    ];

    private static readonly string[] ResponsesSeeds =
    [
        """{"model":"gpt-4o","instructions":"Be brief.","input":"Hello","max_output_tokens":20,"temperature":0.5,"top_p":0.9,"metadata":{"a":"b"},"store":false,"truncation":"disabled"}""",
        """{"model":"gpt-4o-mini","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"hi"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"},{"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}]}]}""",
        """{"model":"gpt-4o","input":[{"type":"message","role":"user","content":"call get_weather city=Paris"},{"type":"function_call","id":"fc_1","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},{"type":"function_call_output","call_id":"c1","output":"21C"}],"tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}],"tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":true}""",
        """{"model":"gpt-5-mini","input":[{"role":"developer","content":"x"},{"role":"user","content":"name=Ada"},{"type":"reasoning","id":"rs_1","summary":[]},{"role":"assistant","content":[{"type":"output_text","text":"ok","annotations":[]}]},{"role":"user","content":"again"}],"reasoning":{"effort":"low","summary":"auto"},"text":{"format":{"type":"json_schema","name":"p","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}""",
    ];

    private static readonly JsonNode?[] Replacements =
        [null, 0, -1, 1e308, 2.5, "", "x", true, false, new JsonArray(), new JsonObject(), new JsonArray(1, "a", null), new JsonObject { ["a"] = new JsonObject() }, new string('z', 5000)];

    [Fact]
    public Task Answers_thousands_of_mutated_chat_requests_without_a_server_error() => FuzzAsync("v1/chat/completions", ChatSeeds, 20261125);

    [Fact]
    public Task Answers_thousands_of_mutated_responses_requests_without_a_server_error() => FuzzAsync("v1/responses", ResponsesSeeds, 20261126);

    private async Task FuzzAsync(string path, string[] seeds, int seed)
    {
        var system = await systems.GetAsync(Hosting.Kestrel);
        var random = new Random(seed);
        var ct = TestContext.Current.CancellationToken;
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 2000; i++)
        {
            var body = Mutate(seeds[random.Next(seeds.Length)], random);
            using var response = await system.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 200 or (>= 400 and < 500), $"{status} for {body}: {text}");
            if (status != 200)
            {
                using var json = JsonDocument.Parse(text);
                var error = json.RootElement.GetProperty("error");
                Assert.Equal(["code", "message", "param", "type"], error.EnumerateObject().Select(p => p.Name).Order());
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), body);
            }
        }

        // The mutations reach both sides: some requests stay valid, most are refused.
        Assert.True(statuses.GetValueOrDefault(200) > 50 && statuses.Where(s => s.Key >= 400).Sum(s => s.Value) > 500, string.Join(", ", statuses));
    }

    /// <summary>One random mutation: a value swapped for another JSON type, a member removed, the text cut or a
    /// character replaced.</summary>
    private static string Mutate(string seed, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
            case 1:
                var root = JsonNode.Parse(seed)!;
                var nodes = Walk(root).ToList();
                var target = nodes[random.Next(nodes.Count)];
                if (target.Parent is JsonObject parent)
                {
                    var name = parent.First(kv => ReferenceEquals(kv.Value, target)).Key;
                    if (random.Next(3) == 0)
                    {
                        parent.Remove(name);
                    }
                    else
                    {
                        parent[name] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                    }
                }
                else if (target.Parent is JsonArray array)
                {
                    array[array.IndexOf(target)] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                }

                return root.ToJsonString();
            case 2:
                return seed[..random.Next(seed.Length)];
            default:
                var chars = seed.ToCharArray();
                const string Noise = "{}[]\":,\\0a \u0000\u00e9";
                chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
                return new string(chars);
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        foreach (var child in node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        })
        {
            if (child is not null)
            {
                yield return child;
                foreach (var grandchild in Walk(child))
                {
                    yield return grandchild;
                }
            }
        }
    }
}
