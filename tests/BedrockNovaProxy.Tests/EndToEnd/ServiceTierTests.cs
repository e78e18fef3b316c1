using System.ClientModel;
using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK marks the Responses API as evaluation-only

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>service_tier through the official OpenAI .NET SDK, in every hosting mode: asked for, served by the local
/// Bedrock, reported back on the completion, every chunk and the response object, and priced in the EMF line.</summary>
public class ServiceTierTests(LocalSystems systems) : EndToEndTest
{
    [Theory, EveryHosting]
    public async Task Serves_the_tier_asked_for_reports_it_and_prices_it(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var chat = system.OpenAi.GetChatClient("gpt-5-mini");

        var flexResult = await chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { ServiceTier = ChatServiceTier.Flex }, Ct);
        var standardResult = await chat.CompleteChatAsync([new UserChatMessage("Hello")], cancellationToken: Ct);
        var (flex, standard) = (flexResult.Value, standardResult.Value);
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { ServiceTier = new ChatServiceTier("priority") }, Ct))
        {
            updates.Add(update);
        }

        var options = new CreateResponseOptions { Model = "gpt-5-mini", ServiceTier = ResponseServiceTier.Flex };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Hello"));
        ResponseResult response = await system.OpenAi.GetResponsesClient().CreateResponseAsync(options, Ct);

        Assert.Equal(ChatServiceTier.Flex, flex.ServiceTier);
        Assert.Equal(ChatServiceTier.Default, standard.ServiceTier);
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(new ChatServiceTier("priority"), u.ServiceTier));
        Assert.Equal(ResponseServiceTier.Flex, response.ServiceTier);
        Assert.Equal("You said: Hello", flex.Content[0].Text);

        // The same tokens at half the standard price.
        var flexCost = await Cost(system, flexResult.GetRawResponse());
        var standardCost = await Cost(system, standardResult.GetRawResponse());
        Assert.True(standardCost > 0);
        Assert.Equal(standardCost / 2, flexCost);
    }

    [Theory, EveryHosting]
    public async Task Refuses_a_tier_the_model_or_bedrock_lacks_naming_service_tier(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        var lacking = await Assert.ThrowsAsync<ClientResultException>(() => system.OpenAi.GetChatClient("gpt-3.5-turbo")
            .CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { ServiceTier = ChatServiceTier.Flex }, Ct));
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => system.OpenAi.GetChatClient("gpt-5-mini")
            .CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { ServiceTier = ChatServiceTier.Scale }, Ct));

        foreach (var refused in new[] { lacking, unknown })
        {
            Assert.Equal(400, refused.Status);
            using var body = System.Text.Json.JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString());
            Assert.Equal("service_tier", body.RootElement.GetProperty("error").GetProperty("param").GetString());
        }
    }

    private static async Task<decimal> Cost(LocalSystem system, System.ClientModel.Primitives.PipelineResponse response) =>
        (await system.Metrics.ForAsync(response.Headers.TryGetValue("x-request-id", out var id) ? id! : throw new Xunit.Sdk.XunitException("no request id")))
            .GetProperty("EstimatedCostUSD").GetDecimal();
}
