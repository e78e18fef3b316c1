using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using OpenAI;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK marks the Responses API as evaluation-only; it is what newer clients and agents call

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>POST /v1/responses through the official OpenAI .NET SDK's ResponsesClient, against the proxy and the local
/// Bedrock, once per hosting mode; and the wire format itself over raw HTTP where the SDK would hide it.</summary>
public class ResponsesTests(LocalSystems systems) : EndToEndTest
{
    private static readonly BinaryData WeatherSchema = BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}""");

    private static readonly BinaryData TimeSchema = BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""");

    private async Task<ResponsesClient> Client(Hosting hosting) => (await systems.GetAsync(hosting)).OpenAi.GetResponsesClient();

    private static CreateResponseOptions Options(string model, params ResponseItem[] input)
    {
        var options = new CreateResponseOptions { Model = model };
        foreach (var item in input)
        {
            options.InputItems.Add(item);
        }

        return options;
    }

    private static async Task<List<StreamingResponseUpdate>> StreamAsync(ResponsesClient client, CreateResponseOptions options)
    {
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await client.CreateResponseStreamingAsync(options, Ct))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Theory, EveryHosting]
    public async Task Answers_text_with_instructions_and_usage(Hosting hosting)
    {
        var client = await Client(hosting);
        var options = Options("gpt-4o", ResponseItem.CreateUserMessageItem("Hello there"));
        options.Instructions = "Be brief.";

        ResponseResult response = await client.CreateResponseAsync(options, Ct);

        Assert.Equal("You said: Hello there", response.GetOutputText());
        Assert.Equal((ResponseStatus.Completed, "gpt-4o"), (response.Status, response.Model));
        Assert.StartsWith("resp_", response.Id);
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
        Assert.Equal((MessageRole.Assistant, MessageStatus.Completed), (message.Role, message.Status));
        Assert.StartsWith("msg_", message.Id);
        // "Be brief." is 3 tokens and "Hello there" 2 for the emulator's tokenizer; the answer is 5.
        Assert.Equal((5, 5, 10), (response.Usage.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
        Assert.Equal((0, 0), (response.Usage.InputTokenDetails.CachedTokenCount, response.Usage.OutputTokenDetails.ReasoningTokenCount));
        Assert.Null(response.Error);
    }

    [Theory, EveryHosting]
    public async Task Carries_a_multi_turn_history_sent_back_as_input_items(Hosting hosting)
    {
        var client = await Client(hosting);
        List<ResponseItem> history = [ResponseItem.CreateUserMessageItem("first question")];

        ResponseResult first = await client.CreateResponseAsync("gpt-4o", history, cancellationToken: Ct);
        history.AddRange(first.OutputItems);
        history.Add(ResponseItem.CreateUserMessageItem("and a second one"));
        ResponseResult second = await client.CreateResponseAsync("gpt-4o", history, cancellationToken: Ct);

        Assert.Equal("You said: and a second one", second.GetOutputText());
        // The whole conversation was read: both questions (2 and 4 tokens) and the first answer ("You said: first question", 5).
        Assert.Equal(11, second.Usage.InputTokenCount);
    }

    [Theory, EveryHosting]
    public async Task Runs_a_function_tool_round_trip(Hosting hosting)
    {
        var client = await Client(hosting);
        List<ResponseItem> input = [ResponseItem.CreateUserMessageItem("Use get_weather for city=Paris")];
        var options = Options("gpt-4o", [.. input]);
        options.Tools.Add(ResponseTool.CreateFunctionTool("get_weather", WeatherSchema, strictModeEnabled: false, "Current weather for a city"));

        ResponseResult call = await client.CreateResponseAsync(options, Ct);

        var functionCall = Assert.IsType<FunctionCallResponseItem>(Assert.Single(call.OutputItems, i => i is FunctionCallResponseItem));
        Assert.Equal(("get_weather", FunctionCallStatus.Completed, ResponseStatus.Completed), (functionCall.FunctionName, functionCall.Status, call.Status));
        Assert.Equal("Paris", JsonDocument.Parse(functionCall.FunctionArguments).RootElement.GetProperty("city").GetString());
        Assert.False(string.IsNullOrEmpty(functionCall.CallId));
        Assert.StartsWith("fc_", functionCall.Id);

        var next = Options("gpt-4o", [.. input, .. call.OutputItems, ResponseItem.CreateFunctionCallOutputItem(functionCall.CallId, """{"temperature":21,"unit":"celsius"}""")]);
        next.Tools.Add(options.Tools[0]);
        ResponseResult answer = await client.CreateResponseAsync(next, Ct);

        Assert.Equal("""Tool results: get_weather returned {"temperature":21,"unit":"celsius"}""", answer.GetOutputText());
        Assert.DoesNotContain(answer.OutputItems, i => i is FunctionCallResponseItem);
    }

    [Theory, EveryHosting]
    public async Task Streams_text_that_the_sdk_assembles_from_its_updates(Hosting hosting)
    {
        var updates = await StreamAsync(await Client(hosting), Options("gpt-4o", ResponseItem.CreateUserMessageItem("stream this please")));

        var deltas = updates.OfType<StreamingResponseOutputTextDeltaUpdate>().ToList();
        Assert.Equal("You said: stream this please", string.Concat(deltas.Select(d => d.Delta)));
        Assert.True(deltas.Count >= 5, "one delta per upstream delta, not one buffered event");
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseInProgressUpdate>(updates[1]);
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        Assert.Equal("You said: stream this please", updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(("You said: stream this please", ResponseStatus.Completed), (completed.GetOutputText(), completed.Status));
        Assert.Equal((3, 6), (completed.Usage.InputTokenCount, completed.Usage.OutputTokenCount));
        Assert.Single(updates.OfType<StreamingResponseOutputItemAddedUpdate>());
        Assert.Equal(completed.Id, ((StreamingResponseCreatedUpdate)updates[0]).Response.Id);
    }

    [Theory, EveryHosting]
    public async Task Streams_several_tool_calls_in_one_turn_as_items_with_their_own_output_index(Hosting hosting)
    {
        var client = await Client(hosting);
        var options = Options("gpt-4o", ResponseItem.CreateUserMessageItem("Use get_time zone=UTC and get_weather city=Rome"));
        options.Tools.Add(ResponseTool.CreateFunctionTool("get_weather", WeatherSchema, strictModeEnabled: false, "Weather"));
        options.Tools.Add(ResponseTool.CreateFunctionTool("get_time", TimeSchema, strictModeEnabled: false, "Time"));

        var updates = await StreamAsync(client, options);

        // What a client does: items by output_index, arguments accumulated by item id.
        var calls = updates.OfType<StreamingResponseOutputItemAddedUpdate>().Where(u => u.Item is FunctionCallResponseItem)
            .ToDictionary(u => u.OutputIndex, u => (FunctionCallResponseItem)u.Item);
        var arguments = updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().GroupBy(u => u.ItemId)
            .ToDictionary(g => g.Key, g => string.Concat(g.Select(u => u.Delta.ToString())));
        Assert.Equal(2, calls.Count);
        var ordered = calls.OrderBy(c => c.Key).Select(c => c.Value).ToList();
        Assert.Equal(["get_time", "get_weather"], ordered.Select(c => c.FunctionName));
        Assert.Equal("""{"zone":"UTC"}""", arguments[ordered[0].Id]);
        Assert.Equal("Rome", JsonDocument.Parse(arguments[ordered[1].Id]).RootElement.GetProperty("city").GetString());
        Assert.NotEqual(ordered[0].CallId, ordered[1].CallId);
        var done = updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>().ToList();
        Assert.Equal(ordered.Select(c => arguments[c.Id]), done.Select(d => d.FunctionArguments.ToString()));
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(ordered.Select(c => (c.CallId, c.FunctionName)),
            completed.OutputItems.OfType<FunctionCallResponseItem>().Select(c => (c.CallId, c.FunctionName)));
    }

    [Theory, EveryHosting]
    public async Task Returns_json_schema_output_as_text(Hosting hosting)
    {
        var client = await Client(hosting);
        var schema = BinaryData.FromString(
            """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["name","age","tags"],"additionalProperties":false}""");
        var options = Options("gpt-4o", ResponseItem.CreateUserMessageItem("Describe name=Ada age=36"));
        options.TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("person", schema, null, jsonSchemaIsStrict: true) };

        ResponseResult response = await client.CreateResponseAsync(options, Ct);
        var streamed = await StreamAsync(client, options);

        using var json = JsonDocument.Parse(response.GetOutputText());
        Assert.Equal(("Ada", 36), (json.RootElement.GetProperty("name").GetString(), json.RootElement.GetProperty("age").GetInt32()));
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("tags").ValueKind);
        Assert.DoesNotContain(response.OutputItems, i => i is FunctionCallResponseItem);
        Assert.Equal(ResponseTextFormatKind.JsonSchema, response.TextOptions.TextFormat.Kind);
        Assert.Equal(response.GetOutputText(), string.Concat(streamed.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(d => d.Delta)));
    }

    [Theory, EveryHosting]
    public async Task Reasons_on_nova_2_when_asked_and_refuses_on_a_model_that_does_not_reason(Hosting hosting)
    {
        var client = await Client(hosting);
        CreateResponseOptions Reasoning(string model, string text)
        {
            var options = Options(model, ResponseItem.CreateUserMessageItem(text));
            options.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium };
            return options;
        }

        ResponseResult response = await client.CreateResponseAsync(Reasoning("gpt-5-mini", "think hard"), Ct);
        var streamed = await StreamAsync(client, Reasoning("gpt-5-mini", "think again"));
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(Reasoning("gpt-4o", "think"), Ct));

        Assert.Equal("You said: think hard", response.GetOutputText());
        Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.IsAssignableFrom<MessageResponseItem>(response.OutputItems[1]);
        // The emulated Nova 2 bills 64 reasoning tokens at medium effort, on top of the answer's 5.
        Assert.Equal(69, response.Usage.OutputTokenCount);
        // Bedrock reports no reasoning count; the estimate (README, "Reasoning tokens") reaches the Responses API too.
        Assert.Equal(64, response.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(ResponseReasoningEffortLevel.Medium, response.ReasoningOptions.ReasoningEffortLevel);
        Assert.Equal("[REDACTED]", string.Concat(streamed.OfType<StreamingResponseReasoningTextDeltaUpdate>().Select(d => d.Delta)));
        Assert.Equal("You said: think again", Assert.IsType<StreamingResponseCompletedUpdate>(streamed[^1]).Response.GetOutputText());
        Assert.Equal(400, refused.Status);
        Assert.Contains("reasoning.effort", refused.Message);
    }

    [Theory, EveryHosting]
    public async Task Reads_images_and_documents_from_input_parts(Hosting hosting)
    {
        var client = await Client(hosting);
        var pdf = "%PDF-1.4 minimal"u8.ToArray();
        var input = ResponseItem.CreateUserMessageItem(
        [
            ResponseContentPart.CreateInputTextPart("What is this?"),
            ResponseContentPart.CreateInputImagePart(BinaryData.FromBytes(Samples.Png, "image/png"), null),
            ResponseContentPart.CreateInputFilePart(BinaryData.FromBytes(pdf), "application/pdf", "Q3 report.pdf"),
        ]);

        ResponseResult response = await client.CreateResponseAsync(Options("gpt-4o-mini", input), Ct);

        Assert.Equal($"You said: What is this? I see 1 image: png ({Samples.Png.Length} bytes). I read 1 document: Q3 report (pdf, {pdf.Length} bytes).", response.GetOutputText());
    }

    [Theory, EveryHosting]
    public async Task Reports_truncation_filtering_and_cached_tokens(Hosting hosting)
    {
        var client = await Client(hosting);
        var limited = Options("gpt-4o-mini", ResponseItem.CreateUserMessageItem("one two three four five"));
        limited.MaxOutputTokenCount = 3;

        ResponseResult truncated = await client.CreateResponseAsync(limited, Ct);
        ResponseResult filtered = await client.CreateResponseAsync(Options("gpt-4o", ResponseItem.CreateUserMessageItem("[[stop:content_filtered]] something")), Ct);
        ResponseResult cached = await client.CreateResponseAsync(Options("gpt-4o", ResponseItem.CreateUserMessageItem("[[cached:4]] long shared prefix here")), Ct);

        Assert.Equal((ResponseStatus.Incomplete, ResponseIncompleteStatusReason.MaxOutputTokens, "You said:"), (truncated.Status, truncated.IncompleteStatusDetails.Reason, truncated.GetOutputText()));
        Assert.Equal((3, 3), (truncated.Usage.OutputTokenCount, truncated.MaxOutputTokenCount));
        Assert.Equal((ResponseStatus.Incomplete, ResponseIncompleteStatusReason.ContentFilter), (filtered.Status, filtered.IncompleteStatusDetails.Reason));
        Assert.Equal(4, cached.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(cached.Usage.InputTokenCount + cached.Usage.OutputTokenCount, cached.Usage.TotalTokenCount);
    }

    [Theory, EveryHosting]
    public async Task Refuses_unknown_models_and_previous_response_ids_through_the_sdk(Hosting hosting)
    {
        var client = await Client(hosting);

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync("gpt-99", "hi", cancellationToken: Ct));
        var chained = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync("gpt-4o", "and then?", previousResponseId: "resp_earlier", cancellationToken: Ct));
        var stored = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("resp_earlier", Ct));

        Assert.Equal(404, unknown.Status);
        Assert.Equal(400, chained.Status);
        Assert.Contains("previous_response_id", chained.Message);
        Assert.Equal(404, stored.Status);
    }

    /// <summary>Bad request -> status, param, code, and a fragment of the message.</summary>
    public static TheoryData<string, string, int, string?, string?, string> BadRequests => new()
    {
        { "malformed JSON", """{"model":"gpt-4o","input":[""", 400, "input", null, "could not parse the JSON body" },
        { "not an object", "[1,2]", 400, null, null, "JSON object" },
        { "input of the wrong type", """{"model":"gpt-4o","input":7}""", 400, "input", "invalid_type", "Invalid type for 'input'" },
        { "no input", """{"model":"gpt-4o"}""", 400, "input", "missing_required_parameter", "input" },
        { "tools of the wrong type", """{"model":"gpt-4o","input":"x","tools":{}}""", 400, "tools", "invalid_type", "Invalid type for 'tools'" },
        { "unknown model", """{"model":"gpt-99","input":"hi"}""", 404, "model", "model_not_found", "gpt-99" },
        { "previous_response_id", """{"model":"gpt-4o","input":"hi","previous_response_id":"resp_1"}""", 400, "previous_response_id", "unsupported_parameter", "Resend the conversation in 'input'" },
        { "conversation", """{"model":"gpt-4o","input":"hi","conversation":"conv_1"}""", 400, "conversation", "unsupported_parameter", "stateless" },
        { "background", """{"model":"gpt-4o","input":"hi","background":true}""", 400, "background", "unsupported_parameter", "background" },
        { "a built-in tool Bedrock does not run", """{"model":"gpt-4o","input":"hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", 400, "tools[0].type", "unsupported_value", "only 'function' tools" },
        { "web search on a model without grounding", """{"model":"gpt-4o","input":"hi","tools":[{"type":"web_search"}]}""", 400, "tools[0]", "unsupported_value", "cannot search the web" },
        { "file_search", """{"model":"gpt-4o","input":"hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", 400, "tools[0].type", "unsupported_value", "'file_search'" },
        { "image on a text-only model", """{"model":"gpt-3.5-turbo","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}]}""", 400, "input[0].content[0]", "unsupported_value", "image" },
        { "remote image without fetching", """{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://example.com/cat.png"}]}]}""", 400, "input[0].content[0].image_url", "unsupported_value", "does not fetch remote images" },
        { "temperature above Nova's range", """{"model":"gpt-4o","input":"hi","temperature":1.5}""", 400, "temperature", "unsupported_value", "temperature" },
        { "reasoning on a model that does not reason", """{"model":"gpt-4o","input":"hi","reasoning":{"effort":"high"}}""", 400, "reasoning.effort", "unsupported_parameter", "does not reason" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Rejects_bad_requests_with_an_exact_status_and_shape(string name, string body, int status, string? param, string? code, string message)
    {
        var system = await systems.GetAsync(Hosting.Kestrel);

        using var response = await system.Http.PostAsync("v1/responses", JsonText(body), Ct);

        var error = await ErrorTests.AssertError(response, status, "invalid_request_error", param, code);
        Assert.True(error.GetProperty("message").GetString()!.Contains(message, StringComparison.OrdinalIgnoreCase), $"{name}: {error}");
    }

    [Theory, EveryHosting]
    public async Task Streams_server_sent_events_named_by_their_type_and_without_done(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var response = await system.Http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o","stream":true,"input":"name the <events>"}"""), Ct);
        var events = await Events(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], events.Take(4).Select(e => e.Name));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], events.TakeLast(4).Select(e => e.Name));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        // Text is escaped as in JSON answers, not as in HTML.
        Assert.Contains("\"text\":\"You said: name the <events>\"", events.Single(e => e.Name == "response.output_text.done").Raw);
    }

    [Theory, EveryHosting]
    public async Task Ends_a_stream_with_an_error_event_and_response_failed_when_bedrock_fails_midway(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var response = await system.Http.PostAsync("v1/responses",
            JsonText("""{"model":"gpt-4o","stream":true,"input":"[[fault:midstream-throttle]] one two three four"}"""), Ct);
        var events = await Events(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events, e => e.Name == "response.output_text.delta" && e.Data.GetProperty("delta").GetString() == "You");
        var (error, failed) = (events[^2], events[^1]);
        Assert.Equal(("error", "rate_limit_exceeded"), (error.Name, error.Data.GetProperty("code").GetString()));
        Assert.Contains("Too many tokens", error.Data.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.Data.GetProperty("param").ValueKind);
        Assert.Equal(("response.failed", "failed"), (failed.Name, failed.Data.GetProperty("response").GetProperty("status").GetString()));
        Assert.Equal("rate_limit_exceeded", failed.Data.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("incomplete", failed.Data.GetProperty("response").GetProperty("output")[0].GetProperty("status").GetString());
        Assert.DoesNotContain(events, e => e.Name is "response.completed");
    }

    [Theory, EveryHosting]
    public async Task Answers_a_plain_http_error_when_bedrock_fails_before_the_stream_starts(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var response = await system.Http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o","stream":true,"input":"[[fault:throttle]] hi"}"""), Ct);

        await ErrorTests.AssertError(response, 429, "rate_limit_error", null, "rate_limit_exceeded");
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task Answers_stored_response_operations_with_a_404_that_says_why()
    {
        var system = await systems.GetAsync(Hosting.Kestrel);

        using var get = await system.Http.GetAsync("v1/responses/resp_123", Ct);
        using var delete = await system.Http.DeleteAsync("v1/responses/resp_123", Ct);
        using var cancel = await system.Http.PostAsync("v1/responses/resp_123/cancel", JsonText("{}"), Ct);
        using var items = await system.Http.GetAsync("v1/responses/resp_123/input_items", Ct);

        foreach (var response in new[] { get, delete, cancel, items })
        {
            var error = await ErrorTests.AssertError(response, 404, "invalid_request_error", null, "response_not_found");
            Assert.Contains("Response with id 'resp_123' not found: this proxy is stateless", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Holds_a_restricted_key_to_its_models()
    {
        // Its own system: the shared one's restricted key has a small request budget that AuthTests spends.
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?> { ["Proxy:Auth:Keys:1:RequestsPerMinute"] = "100" });
        var client = new OpenAIClient(new ApiKeyCredential(LocalSystem.LimitedKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(system.BaseUrl, "v1/"),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        }).GetResponsesClient();
        using var http = new HttpClient { BaseAddress = system.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LocalSystem.LimitedKey);

        ResponseResult allowed = await client.CreateResponseAsync("gpt-4o-mini", "hi", cancellationToken: Ct);
        var other = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync("gpt-4o", "hi", cancellationToken: Ct));
        using var raw = await http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o","input":"hi"}"""), Ct);

        Assert.Equal("You said: hi", allowed.GetOutputText());
        Assert.Equal(404, other.Status);
        await ErrorTests.AssertError(raw, 404, "invalid_request_error", "model", "model_not_found");
    }

    [Theory, EveryHosting]
    public async Task Writes_its_own_metrics_operation(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var whole = await system.Http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o","input":"count me"}"""), Ct);
        using var stream = await system.Http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o-mini","stream":true,"input":"stream me"}"""), Ct);
        await stream.Content.ReadAsStringAsync(Ct);

        var w = await Line(system, whole);
        var s = await Line(system, stream);
        Assert.Equal(("responses", "gpt-4o", 2, 5), (w.GetProperty("Operation").GetString(), w.GetProperty("ModelAlias").GetString(), w.GetProperty("InputTokens").GetInt32(), w.GetProperty("OutputTokens").GetInt32()));
        Assert.Equal(("responses.stream", "gpt-4o-mini", 2, 5), (s.GetProperty("Operation").GetString(), s.GetProperty("ModelAlias").GetString(), s.GetProperty("InputTokens").GetInt32(), s.GetProperty("OutputTokens").GetInt32()));
        Assert.True(s.GetProperty("TimeToFirstToken").GetDouble() > 0);
    }

    private static Task<JsonElement> Line(LocalSystem system, HttpResponseMessage response) =>
        system.Metrics.ForAsync(response.Headers.GetValues("x-request-id").Single());

    /// <summary>The events of an SSE body: each one's `event:` name and parsed `data:`.</summary>
    private static async Task<List<(string Name, JsonElement Data, string Raw)>> Events(HttpResponseMessage response)
    {
        var events = await Sse.AllAsync(response, Ct);
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        return [.. events.Select(e =>
        {
            // Every event is named: none falls back to the default "message".
            Assert.NotEqual(SseParser.EventTypeDefault, e.EventType);
            Assert.DoesNotContain('\n', e.Data);
            return (e.EventType, JsonDocument.Parse(e.Data).RootElement.Clone(), e.Data);
        })];
    }
}
