using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace BedrockNovaProxy.AppHost.Tests;

/// <summary>`dotnet run --project apphost`, as a test: every resource comes up healthy and both proxy paths (the
/// Lambda worker behind the local API Gateway, and Kestrel) answer the official OpenAI SDK, streamed and not.</summary>
public class AppHostTests
{
    [Fact]
    public async Task Runs_the_whole_system_and_answers_through_both_paths()
    {
        await using var host = await RunningAppHost.StartAsync(TimeSpan.FromMinutes(3));
        var paths = new Dictionary<string, Uri>
        {
            ["lambda"] = new(host.App.GetEndpoint("lambda", "api"), "staging/v1/"),
            ["container"] = new(host.App.GetEndpoint("proxy-container", "http"), "v1/"),
        };

        foreach (var (name, url) in paths)
        {
            var chat = new OpenAIClient(new ApiKeyCredential("sk-local-dev"), new OpenAIClientOptions { Endpoint = url, RetryPolicy = new ClientRetryPolicy(0) })
                .GetChatClient("gpt-4o-mini");

            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello from the test")], cancellationToken: host.Token);
            var streamed = "";
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream it")], cancellationToken: host.Token))
            {
                streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));
            }

            Assert.True("You said: Hello from the test" == completion.Content[0].Text, name);
            Assert.True("You said: Stream it" == streamed, name);
        }
    }
}
