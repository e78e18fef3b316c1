using OpenAI.Chat;

[assembly: AssemblyFixture(typeof(BedrockNovaProxy.Tests.EndToEnd.LocalSystems))]

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The official OpenAI .NET SDK against the proxy and the local Bedrock, once per hosting mode.</summary>
public class ChatTests(LocalSystems systems) : EndToEndTest
{
    private static readonly BinaryData WeatherSchema = BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}""");

    private async Task<ChatClient> Chat(Hosting hosting, string model = "gpt-4o") =>
        (await systems.GetAsync(hosting)).OpenAi.GetChatClient(model);

    [Theory, EveryHosting]
    public async Task Completes_a_chat_through_an_alias(Hosting hosting)
    {
        var chat = await Chat(hosting);

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")], cancellationToken: Ct);

        Assert.Equal("You said: Hello there", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-4o", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        // "Be brief." is 3 tokens and "Hello there" 2 for the emulator's tokenizer; the answer is 5.
        Assert.Equal(5, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.Equal(10, completion.Usage.TotalTokenCount);
    }

    [Theory, EveryHosting]
    public async Task Honours_max_tokens_and_stop_sequences(Hosting hosting)
    {
        var chat = await Chat(hosting, "gpt-4o-mini");

        ChatCompletion truncated = await chat.CompleteChatAsync([new UserChatMessage("one two three four five")],
            new ChatCompletionOptions { MaxOutputTokenCount = 3 }, Ct);
        ChatCompletion stopped = await chat.CompleteChatAsync([new UserChatMessage("one two three four five")],
            new ChatCompletionOptions { StopSequences = { "four" } }, Ct);

        Assert.Equal(("You said:", ChatFinishReason.Length, 3), (truncated.Content[0].Text, truncated.FinishReason, truncated.Usage.OutputTokenCount));
        Assert.Equal(("You said: one two three ", ChatFinishReason.Stop), (stopped.Content[0].Text, stopped.FinishReason));
    }

    [Theory, EveryHosting]
    public async Task Streams_content_then_finish_reason_then_usage(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var updates = new List<StreamingChatCompletionUpdate>();

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream this please")], cancellationToken: Ct))
        {
            updates.Add(update);
        }

        var text = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text));
        Assert.Equal("You said: stream this please", text);
        Assert.True(updates.Count(u => u.ContentUpdate.Count > 0) >= 5, "one chunk per upstream delta, not one buffered chunk");
        Assert.Equal(ChatMessageRole.Assistant, updates[0].Role);
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        var usage = updates.Last().Usage;
        Assert.NotNull(usage);
        Assert.Equal((3, 6), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.All(updates, u => Assert.Equal("gpt-4o", u.Model));
        Assert.Single(updates.Select(u => u.CompletionId).Distinct());
    }

    [Theory, EveryHosting]
    public async Task Runs_a_full_tool_round_trip(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather for a city", WeatherSchema) } };
        List<ChatMessage> messages = [new UserChatMessage("Use get_weather for city=Paris")];

        ChatCompletion call = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("get_weather", toolCall.FunctionName);
        Assert.Equal("Paris", JsonDocument.Parse(toolCall.FunctionArguments).RootElement.GetProperty("city").GetString());
        Assert.False(string.IsNullOrEmpty(toolCall.Id));

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, """{"temperature":21,"unit":"celsius"}"""));
        ChatCompletion answer = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal("""Tool results: get_weather returned {"temperature":21,"unit":"celsius"}""", answer.Content[0].Text);
    }

    [Theory, EveryHosting]
    public async Task Streams_tool_calls_with_index_id_name_and_argument_fragments(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", WeatherSchema) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
        };
        var updates = new List<StreamingChatToolCallUpdate>();
        ChatFinishReason? finish = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("weather city=Oslo unit=fahrenheit")], options, Ct))
        {
            updates.AddRange(update.ToolCallUpdates);
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.True(updates.Count >= 2, "arguments arrive in fragments");
        Assert.All(updates, u => Assert.Equal(0, u.Index));
        Assert.Equal("get_weather", updates[0].FunctionName);
        Assert.False(string.IsNullOrEmpty(updates[0].ToolCallId));
        var arguments = string.Concat(updates.Select(u => u.FunctionArgumentsUpdate?.ToString()));
        Assert.Equal("""{"city":"Oslo","unit":"fahrenheit"}""", arguments);
    }

    [Theory, EveryHosting]
    public async Task Sends_images_as_data_urls(Hosting hosting)
    {
        var chat = await Chat(hosting);

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Samples.Png), "image/png"))],
            cancellationToken: Ct);

        Assert.Equal($"You said: What is this? I see 1 image: png ({Samples.Png.Length} bytes).", completion.Content[0].Text);
    }

    [Theory, EveryHosting]
    public async Task Sends_documents_as_file_parts(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var pdf = "%PDF-1.4 minimal"u8.ToArray();

#pragma warning disable OPENAI001 // file parts are evaluation-only in the SDK; they are what clients send
        var file = ChatMessageContentPart.CreateFilePart(BinaryData.FromBytes(pdf), "application/pdf", "Q3 report.pdf");
#pragma warning restore OPENAI001
        ChatCompletion completion = await chat.CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("Summarise"), file)],
            cancellationToken: Ct);

        Assert.Equal($"You said: Summarise I read 1 document: Q3 report (pdf, {pdf.Length} bytes).", completion.Content[0].Text);
    }

    [Theory, EveryHosting]
    public async Task Returns_json_schema_answers_as_message_content(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var schema = BinaryData.FromString(
            """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["name","age","tags"],"additionalProperties":false}""");
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", schema, jsonSchemaIsStrict: true) };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Describe name=Ada age=36")], options, Ct);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Empty(completion.ToolCalls);
        using var json = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("age").GetInt32());
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("tags").ValueKind);
    }

    [Theory, EveryHosting]
    public async Task Streams_json_schema_answers_as_content(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var schema = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("place", schema) };
        var text = "";
        ChatFinishReason? finish = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("city=Lima")], options, Ct))
        {
            Assert.Empty(update.ToolCallUpdates);
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
        }

        Assert.Equal("""{"city":"Lima"}""", text);
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Theory, EveryHosting]
    public async Task Reports_cached_prompt_tokens(Hosting hosting)
    {
        var chat = await Chat(hosting);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("[[cached:4]] long shared prefix here")], cancellationToken: Ct);

        Assert.Equal(4, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Theory, EveryHosting]
    public async Task Maps_content_filtering_to_content_filter(Hosting hosting)
    {
        var chat = await Chat(hosting);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("[[stop:content_filtered]] something")], cancellationToken: Ct);

        Assert.Equal(ChatFinishReason.ContentFilter, completion.FinishReason);
    }

    [Theory, EveryHosting]
    public async Task Reasons_on_nova_2_when_asked_and_refuses_elsewhere(Hosting hosting)
    {
#pragma warning disable OPENAI001 // the SDK marks reasoning_effort as evaluation-only; it is what clients send
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Medium };
#pragma warning restore OPENAI001

        var nova2 = await Chat(hosting, "gpt-5-mini");
        ChatCompletion completion = await nova2.CompleteChatAsync([new UserChatMessage("think hard")], options, Ct);
        ChatTokenUsage? streamedUsage = null;
        await foreach (var update in nova2.CompleteChatStreamingAsync([new UserChatMessage("think hard")], options, Ct))
        {
            streamedUsage ??= update.Usage;
        }

        var gpt4o = await Chat(hosting, "gpt-4o");
        var refused = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => gpt4o.CompleteChatAsync([new UserChatMessage("think")], options, Ct));

        Assert.Equal("You said: think hard", completion.Content[0].Text);
        // The emulated Nova 2 bills 64 reasoning tokens at medium effort, on top of the answer's 5, and returns the
        // reasoning as "[REDACTED]" as Nova 2 does. Bedrock reports only the 69; the proxy's estimate gives the
        // visible 20 characters 5 tokens and the rest to reasoning (README, "Reasoning tokens").
        Assert.Equal(69, completion.Usage.OutputTokenCount);
        Assert.Equal(64, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal((69, 64), (streamedUsage!.OutputTokenCount, streamedUsage.OutputTokenDetails.ReasoningTokenCount));
        Assert.Equal(400, refused.Status);
    }

    [Theory, EveryHosting]
    public async Task Streams_several_tool_calls_in_one_turn_indexed_as_openai_does(Hosting hosting)
    {
        var chat = await Chat(hosting);
        var timeSchema = BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather", WeatherSchema), ChatTool.CreateFunctionTool("get_time", "Time", timeSchema) },
        };
        List<ChatMessage> messages = [new UserChatMessage("Use get_time zone=UTC and get_weather city=Rome")];
        var calls = new SortedDictionary<int, (string Id, string Name, string Arguments)>();

        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options, Ct))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                // What every OpenAI client does: accumulate by index; id and name come once, arguments in fragments.
                var (id, name, arguments) = calls.GetValueOrDefault(part.Index, ("", "", ""));
                calls[part.Index] = (id + part.ToolCallId, name + part.FunctionName, arguments + part.FunctionArgumentsUpdate?.ToString());
            }
        }

        ChatCompletion whole = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Equal([0, 1], calls.Keys);
        Assert.Equal(("get_time", """{"zone":"UTC"}"""), (calls[0].Name, calls[0].Arguments));
        Assert.Equal("get_weather", calls[1].Name);
        Assert.Equal("Rome", JsonDocument.Parse(calls[1].Arguments).RootElement.GetProperty("city").GetString());
        Assert.NotEqual(calls[0].Id, calls[1].Id);
        Assert.Equal(calls.Values.Select(c => (c.Id, c.Name)), whole.ToolCalls.Select(c => (c.Id, c.FunctionName)));
    }
}
