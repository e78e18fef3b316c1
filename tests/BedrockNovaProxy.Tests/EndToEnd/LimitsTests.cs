using System.ClientModel;
using OpenAI.Chat;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The request limits over HTTP through the official SDK, in every hosting mode. The suite's systems run with
/// small limits (<see cref="LocalSystem"/>): 64 messages, 200,000 characters a message, 4 images and 2 documents of
/// 64 KiB each, 160 KiB of media in all.</summary>
public class LimitsTests(LocalSystems systems) : EndToEndTest
{
    private static ChatMessageContentPart Image(int bytes) => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(new byte[bytes]), "image/png");

#pragma warning disable OPENAI001 // the SDK marks file parts as evaluation-only; they are what clients send
    private static ChatMessageContentPart Document(int bytes, string name = "notes") =>
        ChatMessageContentPart.CreateFilePart(BinaryData.FromBytes(new byte[bytes]), "text/plain", name + ".txt");
#pragma warning restore OPENAI001

    private static UserChatMessage User(params ChatMessageContentPart[] parts) => new([ChatMessageContentPart.CreateTextPart("look"), .. parts]);

    /// <summary>Each breach: the conversation, and the status, param and code it must answer, with a fragment of the message.</summary>
    private static readonly Dictionary<string, (Func<List<ChatMessage>> Messages, int Status, string Param, string Code, string Message)> Breaches = new()
    {
        ["too many messages"] = (() => [.. Enumerable.Range(0, 65).Select(i => new UserChatMessage($"message {i}"))], 400, "messages", "array_too_long", "at most 64"),
        ["a message's text too long"] = (() => [new UserChatMessage(new string('x', 200_001))], 400, "messages[0].content", "string_too_long", "200,001 characters"),
        ["too many images"] = (() => [User(Image(10), Image(10), Image(10)), User(Image(10), Image(10))], 400, "messages[1].content[2].image_url", "too_many_images", "at most 4"),
        ["an image too large"] = (() => [User(Image(70_000))], 400, "messages[0].content[1].image_url", "image_too_large", "70,000 bytes, over the limit of 65,536"),
        ["too many documents"] = (() => [User(Document(10), Document(10), Document(10))], 400, "messages[0].content[3].file", "too_many_documents", "at most 2"),
        ["a document too large"] = (() => [User(Document(66_000))], 400, "messages[0].content[1].file.file_data", "document_too_large", "66,000 bytes"),
        ["images and documents too large together"] = (() => [User(Image(60_000), Image(60_000)), User(Document(60_000))], 413, "messages", "request_too_large", "more than 163,840 bytes"),
    };

    public static TheoryData<Hosting, string> Cases()
    {
        var data = new TheoryData<Hosting, string>();
        foreach (var hosting in Enum.GetValues<Hosting>())
        {
            foreach (var name in Breaches.Keys)
            {
                data.Add(hosting, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refuses_a_request_over_a_limit_naming_the_field_the_limit_and_the_size(Hosting hosting, string breach)
    {
        var (messages, status, param, code, message) = Breaches[breach];
        var chat = (await systems.GetAsync(hosting)).OpenAi.GetChatClient("gpt-4o");

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync(messages(), cancellationToken: Ct));

        Assert.Equal(status, refused.Status);
        using var body = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(("invalid_request_error", param, code), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory, EveryHosting]
    public async Task Answers_a_request_at_every_limit(Hosting hosting)
    {
        var chat = (await systems.GetAsync(hosting)).OpenAi.GetChatClient("gpt-4o");

        ChatCompletion completion = await chat.CompleteChatAsync(
            [User(Image(40_000), Image(40_000), Image(10), Image(10), Document(65_536)), User(Document(10, "more notes"))], cancellationToken: Ct);

        Assert.Contains("I see 4 images", completion.Content[0].Text, StringComparison.Ordinal);
    }

    /// <summary>/v1/responses is checked by the same limits, and its errors name the fields its client sent.</summary>
    [Theory, EveryHosting]
    public async Task Refuses_a_responses_request_over_a_limit_in_its_own_field_names(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var image = $$"""{"type":"input_image","image_url":"data:image/png;base64,{{Convert.ToBase64String(new byte[10])}}"}""";
        var body = $$"""{"model":"gpt-4o","instructions":"Be brief.","input":[{"role":"user","content":"hi"},{"role":"user","content":[{{string.Join(",", Enumerable.Repeat(image, 5))}}]}]}""";

        using var response = await system.Http.PostAsync("v1/responses", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        var error = await ErrorTests.AssertError(response, 400, "invalid_request_error", "input[1].content[4].image_url", "too_many_images");
        Assert.Contains("'input[1].content[4]' is image number 5", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
