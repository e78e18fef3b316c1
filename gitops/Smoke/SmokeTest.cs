using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Customers;
using static BedrockNovaProxy.GitOps.Json.JsonNodes;

namespace BedrockNovaProxy.GitOps.Smoke;

public enum Outcome
{
    Pass,
    Fail,
    Skipped,
}

/// <summary>What one check saw: its outcome, the status and a short reason, and how long it took.</summary>
public sealed record CheckResult(string Check, Outcome Outcome, string Saw, TimeSpan? Latency);

/// <summary>What to test on a deployed stage: the aliases /v1/models must list, the chat and embedding aliases to
/// call (null: the chat alias is taken from the listing, and no embeddings call is made).</summary>
public sealed record SmokePlan(Uri Endpoint, IReadOnlyList<string> Aliases, string? ChatAlias, string? EmbeddingAlias, TimeSpan Timeout)
{
    /// <summary>The plan for an endpoint: the aliases of --models, else of the customer file; each alias's kind comes
    /// from the model the file maps it to, else from the catalog when the name is itself a model id.</summary>
    public static SmokePlan For(Uri endpoint, CustomerConfig? config, IReadOnlyList<string>? models, TimeSpan timeout)
    {
        var aliases = models ?? [.. config?.Models.Mappings.Keys ?? Enumerable.Empty<string>()];
        ModelKind? Kind(string alias) =>
            ModelResolver.Parse(config?.Models.Mappings.GetValueOrDefault(alias) ?? alias).Spec?.Kind;

        // An alias of unknown kind (--models without a file) is taken for a chat model, the usual case.
        var chat = aliases.FirstOrDefault(a => Kind(a) == ModelKind.Chat) ?? aliases.FirstOrDefault(a => Kind(a) is null);
        var embedding = aliases.FirstOrDefault(a => Kind(a) == ModelKind.Embedding);
        return new SmokePlan(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"), aliases, chat, embedding, timeout);
    }
}

/// <summary>The results in order; <paramref name="Unreachable"/> says why when the endpoint did not answer at all
/// (refused connection, DNS, TLS), after which the remaining checks were not run.</summary>
public sealed record SmokeRun(IReadOnlyList<CheckResult> Results, string? Unreachable)
{
    public bool Passed => Unreachable is null && Results.All(r => r.Outcome != Outcome.Fail);
}

/// <summary>The checks a deployed stage must pass (health, models, chat, and more), over plain HTTP against the
/// stage. The key is sent, never echoed: what a check reports comes from status codes and
/// error codes, with the key scrubbed from anything the server wrote.</summary>
public sealed class SmokeTest(HttpClient http, TimeProvider time)
{
    public const string Prompt = "Reply with the single word: ready.";

    public async Task<SmokeRun> RunAsync(SmokePlan plan, string apiKey, CancellationToken cancellationToken)
    {
        var chatAlias = plan.ChatAlias;
        var checks = new List<(string Name, Func<CancellationToken, Task<(bool, string)>>? Run, string? Skip)>
        {
            ("health", ct => Health(plan, ct), null),
            ("models", async ct =>
            {
                var (passed, saw, listed) = await Models(plan, apiKey, ct);
                // Without a file or --models, the chat checks call the first chat model the stage lists.
                chatAlias ??= listed.FirstOrDefault(id => ModelCatalog.Find(id)?.Kind == ModelKind.Chat);
                return (passed, saw);
            }, null),
            ("chat", ct => Chat(plan, apiKey, chatAlias, ct), null),
            ("stream", ct => Stream(plan, apiKey, chatAlias, ct), null),
            ("embeddings", plan.EmbeddingAlias is null ? null : ct => Embeddings(plan, apiKey, ct), "no embedding model is mapped"),
            ("no key", ct => NoKey(plan, ct), null),
            ("malformed", ct => Malformed(plan, apiKey, chatAlias ?? plan.Aliases.FirstOrDefault() ?? "gpt-4o", ct), null),
        };

        var results = new List<CheckResult>();
        string? unreachable = null;
        foreach (var (name, run, skip) in checks)
        {
            if (unreachable is not null || run is null)
            {
                results.Add(new CheckResult(name, Outcome.Skipped, unreachable is null ? $"skipped: {skip}" : "not run: the endpoint is unreachable", null));
                continue;
            }

            var started = time.GetTimestamp();
            using var timeout = new CancellationTokenSource(plan.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            bool passed;
            string saw;
            try
            {
                (passed, saw) = await run(linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                (passed, saw) = (false, $"no answer within {plan.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            }
            catch (HttpRequestException e) when (e.StatusCode is null && e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
            {
                unreachable = Reason(e);
                (passed, saw) = (false, "no connection: " + unreachable);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
            {
                (passed, saw) = (false, "unreadable answer: " + Reason(e));
            }

            results.Add(new CheckResult(name, passed ? Outcome.Pass : Outcome.Fail, Scrub(saw, apiKey), time.GetElapsedTime(started)));
        }

        return new SmokeRun(results, unreachable);
    }

    private async Task<(bool, string)> Health(SmokePlan plan, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(plan.Endpoint, "health"), ct);
        var body = await Json(response, ct);
        var status = Text(body?["status"]);
        return response.StatusCode == HttpStatusCode.OK
            ? (true, $"200 {status ?? "(no status)"}, without a key")
            : (false, $"expected 200, got {Status(response, body)}");
    }

    private async Task<(bool, string, IReadOnlyList<string>)> Models(SmokePlan plan, string key, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, plan, "v1/models", key), ct);
        var body = await Json(response, ct);
        if (response.StatusCode != HttpStatusCode.OK || body?["data"] is not JsonArray data)
        {
            return (false, $"expected 200 with a model list, got {Status(response, body)}", []);
        }

        var listed = data.Select(m => Text(m?["id"])).OfType<string>().ToList();
        var missing = plan.Aliases.Where(a => !listed.Contains(a, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return (false, $"200, but {Join(missing)} {(missing.Count == 1 ? "is" : "are")} not listed (it lists {Join(listed, 8)})", listed);
        }

        return plan.Aliases.Count > 0
            ? (true, $"200, lists all {plan.Aliases.Count} aliases ({listed.Count} models)", listed)
            : (listed.Count > 0, $"200, lists {listed.Count} models", listed);
    }

    private async Task<(bool, string)> Chat(SmokePlan plan, string key, string? alias, CancellationToken ct)
    {
        if (alias is null)
        {
            return (false, "no chat model to call: the stage lists none and neither --models nor the file names one");
        }

        using var response = await http.SendAsync(Request(HttpMethod.Post, plan, "v1/chat/completions", key, ChatBody(alias, stream: false)), ct);
        var body = await Json(response, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (false, $"{alias}: expected 200, got {Status(response, body)}");
        }

        var choice = (body?["choices"] as JsonArray)?.FirstOrDefault();
        if (choice is null || choice["message"] is not JsonObject)
        {
            return (false, $"{alias}: 200 without a choice");
        }

        var finish = Text(choice["finish_reason"]) ?? "none";
        var tokens = Number(body?["usage"]?["completion_tokens"]);
        return (true, $"200, {alias} answered (finish_reason {finish}{(tokens is { } t ? $", {t} tokens" : "")})");
    }

    private async Task<(bool, string)> Stream(SmokePlan plan, string key, string? alias, CancellationToken ct)
    {
        if (alias is null)
        {
            return (false, "no chat model to call");
        }

        var started = time.GetTimestamp();
        using var response = await http.SendAsync(Request(HttpMethod.Post, plan, "v1/chat/completions", key, ChatBody(alias, stream: true)), HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (false, $"{alias}: expected 200, got {Status(response, await Json(response, ct))}");
        }

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return (false, $"{alias}: 200 but Content-Type {response.Content.Headers.ContentType?.MediaType ?? "none"}, not text/event-stream");
        }

        int chunks = 0, withContent = 0;
        TimeSpan? firstContent = null;
        var done = false;
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct))
        {
            if (done)
            {
                return (false, $"{alias}: data after [DONE]");
            }

            if (item.Data == "[DONE]")
            {
                done = true;
                continue;
            }

            chunks++;
            var chunk = JsonNode.Parse(item.Data);
            if (chunk?["error"] is JsonObject error)
            {
                return (false, $"{alias}: the stream ended with an error event ({Text(error["code"]) ?? Text(error["type"]) ?? "no code"})");
            }

            if (Text((chunk?["choices"] as JsonArray)?.FirstOrDefault()?["delta"]?["content"]) is { Length: > 0 })
            {
                withContent++;
                firstContent ??= time.GetElapsedTime(started);
            }
        }

        if (!done)
        {
            return (false, $"{alias}: {chunks} chunks, but the stream ended without [DONE]");
        }

        return withContent > 0
            ? (true, $"200, {withContent} of {chunks} chunks with content, first after {Ms(firstContent!.Value)}, ended with [DONE]")
            : (false, $"{alias}: {chunks} chunks, none with content");
    }

    private async Task<(bool, string)> Embeddings(SmokePlan plan, string key, CancellationToken ct)
    {
        var alias = plan.EmbeddingAlias!;
        var request = new JsonObject { ["model"] = alias, ["input"] = "gitops smoke test" };
        using var response = await http.SendAsync(Request(HttpMethod.Post, plan, "v1/embeddings", key, request.ToJsonString()), ct);
        var body = await Json(response, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (false, $"{alias}: expected 200, got {Status(response, body)}");
        }

        return (body?["data"] as JsonArray)?.FirstOrDefault()?["embedding"] is JsonArray { Count: > 0 } vector
            ? (true, $"200, {alias}: {vector.Count} dimensions")
            : (false, $"{alias}: 200 without an embedding");
    }

    private async Task<(bool, string)> NoKey(SmokePlan plan, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(plan.Endpoint, "v1/models"), ct);
        var body = await Json(response, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return (false, $"a request without a key: expected 401, got {Status(response, body)}");
        }

        return ErrorShape(body) is { } problem ? (false, $"401, but {problem}") : (true, $"401 {Code(body)}, OpenAI-shaped error");
    }

    private async Task<(bool, string)> Malformed(SmokePlan plan, string key, string alias, CancellationToken ct)
    {
        // Cut-off JSON: whatever the model, the proxy must refuse it before calling Bedrock.
        var truncated = $$"""{"model":"{{alias}}","messages":[""";
        using var response = await http.SendAsync(Request(HttpMethod.Post, plan, "v1/chat/completions", key, truncated), ct);
        var body = await Json(response, ct);
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return (false, $"malformed JSON: expected 400, got {Status(response, body)}");
        }

        if (ErrorShape(body) is { } problem)
        {
            return (false, $"400, but {problem}");
        }

        var type = Text(body!["error"]!["type"]);
        return type == "invalid_request_error"
            ? (true, $"400 {type}, OpenAI-shaped error")
            : (false, $"400, but error.type is {type}, not invalid_request_error");
    }

    private static HttpRequestMessage Request(HttpMethod method, SmokePlan plan, string path, string key, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(plan.Endpoint, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static string ChatBody(string alias, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = alias,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
            ["max_tokens"] = 16,
        };
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body.ToJsonString();
    }

    /// <summary>What is wrong with an error body, measured against OpenAI's {"error":{message,type,param,code}}; null
    /// when it has that shape.</summary>
    internal static string? ErrorShape(JsonNode? body)
    {
        if (body?["error"] is not JsonObject error)
        {
            return "the body is not {\"error\":{...}}";
        }

        foreach (var member in new[] { "message", "type" })
        {
            if (error[member] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                return $"error.{member} is not a string";
            }
        }

        var absent = new[] { "param", "code" }.Where(m => !error.ContainsKey(m)).ToList();
        return absent.Count > 0 ? $"error has no {string.Join(" or ", absent)} member" : null;
    }

    private static async Task<JsonNode?> Json(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"401 invalid_api_key": the status and, for an OpenAI-shaped error, its code (not its message, which
    /// for a refused key quotes part of the key).</summary>
    private static string Status(HttpResponseMessage response, JsonNode? body) =>
        $"{(int)response.StatusCode}{(Code(body) is { Length: > 0 } code ? " " + code : "")}";

    private static string? Code(JsonNode? body) => body is JsonObject ? Text(body["error"]?["code"]) ?? Text(body["error"]?["type"]) : null;

    // A refused connection names the address in the outer message; other failures say more in the inner one.
    private static string Reason(Exception e) =>
        (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } ? e.Message : e.InnerException?.Message ?? e.Message).TrimEnd('.');

    private static string Join(IEnumerable<string> names, int max = int.MaxValue)
    {
        var list = names.ToList();
        return list.Count == 0 ? "nothing" : string.Join(", ", list.Take(max)) + (list.Count > max ? $" and {list.Count - max} more" : "");
    }

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    /// <summary>A key never reaches the report, even when a server repeats it.</summary>
    internal static string Scrub(string text, string key) => key.Length == 0 ? text : text.Replace(key, "***", StringComparison.Ordinal);
}
