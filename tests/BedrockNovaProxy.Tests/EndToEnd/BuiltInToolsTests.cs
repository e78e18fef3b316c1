using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK marks the Responses API as evaluation-only

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Web search and the code interpreter through the official OpenAI .NET SDK, in every hosting mode, on Nova
/// 2 Lite's web grounding and code interpreter as the local Bedrock plays them: it cites
/// https://docs.example.com/search/{prompt} for "{prompt} is explained on docs.example.com." and runs print(prompt).</summary>
public class BuiltInToolsTests(LocalSystems systems) : EndToEndTest
{
    private const string Answer = "From the web: Hello is explained on docs.example.com.";

    [Theory, EveryHosting]
    public async Task Web_search_options_ground_the_answer_with_url_citations_streamed_or_not(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        ChatCompletion completion = await system.OpenAi.GetChatClient("gpt-5-mini").CompleteChatAsync([new UserChatMessage("Hello")],
            new ChatCompletionOptions { WebSearchOptions = new ChatWebSearchOptions() }, Ct);
        using var stream = await system.Http.PostAsync("v1/chat/completions", JsonText(
            """{"model":"gpt-5-mini","stream":true,"web_search_options":{"search_context_size":"low"},"messages":[{"role":"user","content":"Hello"}]}"""), Ct);
        var chunks = (await Sse.AllAsync(stream, Ct)).Where(e => e.Data != "[DONE]").Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();

        Assert.Equal(Answer, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        var annotation = Assert.Single(completion.Annotations);
        Assert.Equal((new Uri("https://docs.example.com/search/hello"), "About Hello", 14, 53),
            (annotation.WebResourceUri, annotation.WebResourceTitle, annotation.StartIndex, annotation.EndIndex));
        Assert.Equal("Hello is explained on docs.example.com.", Answer[annotation.StartIndex..annotation.EndIndex]);

        var deltas = chunks.Select(c => c.GetProperty("choices")).Where(c => c.GetArrayLength() > 0).Select(c => c[0].GetProperty("delta")).ToList();
        Assert.Equal(Answer, string.Concat(deltas.Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : "")));
        var streamed = deltas.Where(d => d.TryGetProperty("annotations", out _)).SelectMany(d => d.GetProperty("annotations").EnumerateArray()).Single();
        Assert.Equal("""{"type":"url_citation","url_citation":{"url":"https://docs.example.com/search/hello","title":"About Hello","start_index":14,"end_index":53}}""", streamed.GetRawText());
    }

    [Theory, EveryHosting]
    public async Task The_web_search_tool_is_a_web_search_call_and_annotated_output_text(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var client = system.OpenAi.GetResponsesClient();
        CreateResponseOptions Options(bool stream = false)
        {
            var options = new CreateResponseOptions { Model = "gpt-5-mini", Tools = { ResponseTool.CreateWebSearchTool() }, StreamingEnabled = stream };
            options.InputItems.Add(ResponseItem.CreateUserMessageItem("Hello"));
            return options;
        }

        ResponseResult response = await client.CreateResponseAsync(Options(), Ct);
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await client.CreateResponseStreamingAsync(Options(stream: true), Ct))
        {
            updates.Add(update);
        }

        var search = Assert.IsType<WebSearchCallResponseItem>(response.OutputItems[0]);
        Assert.Equal(WebSearchCallStatus.Completed, search.Status);
        var message = Assert.IsAssignableFrom<MessageResponseItem>(response.OutputItems[1]);
        Assert.Equal(Answer, message.Content[0].Text);
        var citation = Assert.IsType<UriCitationMessageAnnotation>(Assert.Single(message.Content[0].OutputTextAnnotations));
        Assert.Equal((new Uri("https://docs.example.com/search/hello"), "About Hello", 14, 53), (citation.Uri, citation.Title, citation.StartIndex, citation.EndIndex));

        Assert.Contains(updates, u => u is StreamingResponseWebSearchCallSearchingUpdate);
        Assert.Contains(updates, u => u is StreamingResponseWebSearchCallCompletedUpdate);
        var added = Assert.IsType<UriCitationMessageAnnotation>(Assert.Single(updates.OfType<StreamingResponseOutputTextAnnotationAddedUpdate>()).Annotation);
        Assert.Equal((14, 53), (added.StartIndex, added.EndIndex));
        var completed = Assert.Single(updates.OfType<StreamingResponseCompletedUpdate>()).Response;
        Assert.IsType<WebSearchCallResponseItem>(completed.OutputItems[0]);

        // A client that keeps the conversation sends the search back with the answer; it is accepted and left out.
        var next = new CreateResponseOptions { Model = "gpt-5-mini" };
        foreach (var item in (ResponseItem[])[ResponseItem.CreateUserMessageItem("Hello"), .. response.OutputItems, ResponseItem.CreateUserMessageItem("Thanks")])
        {
            next.InputItems.Add(item);
        }

        ResponseResult followUp = await client.CreateResponseAsync(next, Ct);
        Assert.Equal("You said: Thanks", Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(followUp.OutputItems)).Content[0].Text);
    }

    [Theory, EveryHosting]
    public async Task The_code_interpreter_tool_is_a_code_interpreter_call_with_code_logs_and_status(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var client = system.OpenAi.GetResponsesClient();
        CreateResponseOptions Options(string prompt, bool stream = false)
        {
            var options = new CreateResponseOptions
            {
                Model = "gpt-5-mini",
                StreamingEnabled = stream,
                Tools = { ResponseTool.CreateCodeInterpreterTool(new CodeInterpreterToolContainer(new AutomaticCodeInterpreterToolContainerConfiguration())) },
            };
            options.InputItems.Add(ResponseItem.CreateUserMessageItem(prompt));
            return options;
        }

        ResponseResult ran = await client.CreateResponseAsync(Options("six times seven"), Ct);
        ResponseResult failed = await client.CreateResponseAsync(Options("raise an error"), Ct);
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await client.CreateResponseStreamingAsync(Options("six times seven", stream: true), Ct))
        {
            updates.Add(update);
        }

        var run = Assert.IsType<CodeInterpreterCallResponseItem>(ran.OutputItems[0]);
        Assert.Equal(("print(\"six times seven\")", CodeInterpreterCallStatus.Completed), (run.Code, run.Status));
        Assert.Equal("six times seven\n", Assert.IsType<CodeInterpreterCallLogsOutput>(Assert.Single(run.Outputs)).Logs);
        Assert.Equal("The code printed: six times seven", Assert.IsAssignableFrom<MessageResponseItem>(ran.OutputItems[1]).Content[0].Text);
        var broken = Assert.IsType<CodeInterpreterCallResponseItem>(failed.OutputItems[0]);
        Assert.Equal(CodeInterpreterCallStatus.Completed, broken.Status);
        Assert.StartsWith("Traceback", Assert.IsType<CodeInterpreterCallLogsOutput>(Assert.Single(broken.Outputs)).Logs, StringComparison.Ordinal);

        Assert.Equal("print(\"six times seven\")", Assert.Single(updates.OfType<StreamingResponseCodeInterpreterCallCodeDeltaUpdate>()).Delta);
        Assert.Contains(updates, u => u is StreamingResponseCodeInterpreterCallInterpretingUpdate);
        Assert.Contains(updates, u => u is StreamingResponseCodeInterpreterCallCompletedUpdate);
        var streamed = Assert.IsType<CodeInterpreterCallResponseItem>(Assert.Single(updates.OfType<StreamingResponseCompletedUpdate>()).Response.OutputItems[0]);
        Assert.Equal("six times seven\n", Assert.IsType<CodeInterpreterCallLogsOutput>(Assert.Single(streamed.Outputs)).Logs);
    }

    [Theory, EveryHosting]
    public async Task A_model_without_the_tool_is_a_400_naming_the_field(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var chat = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","web_search_options":{},"messages":[{"role":"user","content":"Hello"}]}"""), Ct);
        using var responses = await system.Http.PostAsync("v1/responses", JsonText("""{"model":"gpt-4o","input":"Hello","tools":[{"type":"code_interpreter","container":{"type":"auto"}}]}"""), Ct);

        Assert.Equal(("web_search_options", 400), (await Param(chat), (int)chat.StatusCode));
        Assert.Equal(("tools[0]", 400), (await Param(responses), (int)responses.StatusCode));
    }

    private static async Task<string?> Param(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString();
}
