using OpenAI.Chat;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>What a customer's deployment adds to every call: its Bedrock guardrail and prompt-caching points.</summary>
public class CustomerPolicyTests : EndToEndTest
{
    private static Task<LocalSystem> StartAsync(Hosting hosting) => LocalSystem.StartAsync(hosting, new Dictionary<string, string?>
    {
        ["Proxy:Bedrock:Guardrail:Identifier"] = "gr-acme-policy",
        ["Proxy:Bedrock:Guardrail:Version"] = "3",
        ["Proxy:Bedrock:Guardrail:Trace"] = "enabled",
        ["Proxy:PromptCaching:System"] = "true",
        ["Proxy:PromptCaching:Tools"] = "true",
    });

    [Theory]
    [InlineData(Hosting.Kestrel)]
    [InlineData(Hosting.LambdaStreaming)]
    public async Task Applies_the_guardrail_and_reports_its_intervention_as_content_filter(Hosting hosting)
    {
        await using var system = await StartAsync(hosting);
        var chat = system.OpenAi.GetChatClient("gpt-4o");

        ChatCompletion blocked = await chat.CompleteChatAsync([new UserChatMessage("tell me something forbidden")], cancellationToken: Ct);
        ChatCompletion allowed = await chat.CompleteChatAsync([new UserChatMessage("tell me something nice")], cancellationToken: Ct);
        ChatFinishReason? streamedFinish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("more forbidden things")], cancellationToken: Ct))
        {
            streamedFinish ??= update.FinishReason;
        }

        Assert.Equal((ChatFinishReason.ContentFilter, "Sorry, the model cannot answer this question."), (blocked.FinishReason, blocked.Content[0].Text));
        Assert.Equal(ChatFinishReason.Stop, allowed.FinishReason);
        Assert.Equal(ChatFinishReason.ContentFilter, streamedFinish);

        // The Responses API gets the same guardrail: an intervention is an incomplete response, filtered.
#pragma warning disable OPENAI001 // the SDK marks the Responses API as evaluation-only
        var responses = system.OpenAi.GetResponsesClient();
        var response = await responses.CreateResponseAsync("gpt-4o", "tell me something forbidden", cancellationToken: Ct);
        OpenAI.Responses.ResponseResult? streamed = null;
        await foreach (var update in await responses.CreateResponseStreamingAsync("gpt-4o", "more forbidden things", cancellationToken: Ct))
        {
            streamed = (update as OpenAI.Responses.StreamingResponseIncompleteUpdate)?.Response ?? streamed;
        }

        Assert.Equal((OpenAI.Responses.ResponseStatus.Incomplete, OpenAI.Responses.ResponseIncompleteStatusReason.ContentFilter, "Sorry, the model cannot answer this question."),
            (response.Value.Status, response.Value.IncompleteStatusDetails.Reason, response.Value.GetOutputText()));
        Assert.Equal(OpenAI.Responses.ResponseIncompleteStatusReason.ContentFilter, streamed?.IncompleteStatusDetails.Reason);
#pragma warning restore OPENAI001
    }

    [Fact]
    public async Task Caches_the_system_prompt_and_reports_cached_tokens()
    {
        await using var system = await StartAsync(Hosting.Kestrel);
        var chat = system.OpenAi.GetChatClient("gpt-4o");
        var instructions = new SystemChatMessage(string.Join(' ', Enumerable.Repeat("Follow the house style guide carefully.", 20)));

        ChatCompletion first = await chat.CompleteChatAsync([instructions, new UserChatMessage("first question")], cancellationToken: Ct);
        ChatCompletion second = await chat.CompleteChatAsync([instructions, new UserChatMessage("second question")], cancellationToken: Ct);

        Assert.Equal(0, first.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(20 * 7, second.Usage.InputTokenDetails.CachedTokenCount); // 7 tokens per sentence
        Assert.Equal(first.Usage.InputTokenCount, second.Usage.InputTokenCount);
    }
}
