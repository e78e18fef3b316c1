using BedrockNovaProxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK marks the Responses API as evaluation-only

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Prompts, answers and keys stay out of the logs unless Proxy:Telemetry:LogPrompts asks for them, and then
/// only redacted. Every log entry of the proxy is captured, whatever its category or level.</summary>
public class PromptLogTests : EndToEndTest
{
    private const string Key = "sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e";
    private const string Email = "jane.doe@example.com";

    /// <summary>A system whose every log entry is captured, and a marker for the test's prompts, unique to the test.</summary>
    private static async Task<(LocalSystem System, CapturingLoggerProvider Logs, string Marker)> StartAsync(Hosting hosting, bool logPrompts)
    {
        var logs = new CapturingLoggerProvider();
        var system = await LocalSystem.StartAsync(hosting, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Proxy:Telemetry:LogPrompts"] = logPrompts ? "true" : "false",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));
        return (system, logs, "zebra" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>A system started as <see cref="StartAsync"/> starts it, after a plain, a streamed (with an image) and a
    /// failing chat, each carrying the marker, a key and an address, are done (their prompts are logged before their EMF
    /// lines).</summary>
    private static async Task<(LocalSystem System, CapturingLoggerProvider Logs, string Marker)> ChattedAsync(Hosting hosting, bool logPrompts)
    {
        var (system, logs, marker) = await StartAsync(hosting, logPrompts);
        try
        {
            var chat = system.OpenAi.GetChatClient("gpt-4o");
            await chat.CompleteChatAsync([new SystemChatMessage($"{marker} system"), new UserChatMessage($"{marker} plain, my key is {Key}, mail {Email}")], cancellationToken: Ct);
            await foreach (var _ in chat.CompleteChatStreamingAsync(
                [new UserChatMessage(ChatMessageContentPart.CreateTextPart($"{marker} streamed, key {Key}"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Samples.Png), "image/png"))],
                cancellationToken: Ct))
            {
            }

            await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage($"[[fault:internal]] {marker} failing {Key}")], cancellationToken: Ct));
            await system.Metrics.CountAsync(3);
            return (system, logs, marker);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    [Theory, EveryHosting]
    public async Task Logs_nothing_of_a_prompt_or_an_answer_by_default(Hosting hosting)
    {
        var (system, logs, marker) = await ChattedAsync(hosting, logPrompts: false);
        await using var _ = system;

        var everything = logs.Everything;
        Assert.Contains("POST /v1/chat/completions answered 200", everything, StringComparison.Ordinal); // the capture works
        foreach (var secret in new[] { marker, Key, Email, "You said", Samples.PngBase64[..16], InProcessStack.ApiKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(logs.Lines, l => l.Category == PromptLog.Category);
    }

    [Theory, EveryHosting]
    public async Task Logs_redacted_prompts_and_answers_when_asked(Hosting hosting)
    {
        var (system, logs, marker) = await ChattedAsync(hosting, logPrompts: true);
        await using var _ = system;

        var entries = logs.Lines.Where(l => l.Category == PromptLog.Category).ToList();
        var prompts = entries.Where(e => e.State.ContainsKey("Messages")).Select(e => (string)e.State["Messages"]!).ToList();
        var answers = entries.Where(e => e.State.ContainsKey("Answer")).Select(e => (string)e.State["Answer"]!).ToList();
        Assert.Equal((3, 3), (prompts.Count, answers.Count));
        Assert.All(entries, e => Assert.True(e.Scope.ContainsKey("RequestId"), "each entry carries its request id"));

        var plain = Assert.Single(prompts, p => p.Contains("plain", StringComparison.Ordinal));
        Assert.Equal(
            $$"""[{"role":"system","content":[{"text":"{{marker}} system"}]},{"role":"user","content":[{"text":"{{marker}} plain, my key is [REDACTED:api_key], mail [REDACTED:email]"}]}]""",
            plain);
        var streamed = Assert.Single(prompts, p => p.Contains("streamed", StringComparison.Ordinal));
        Assert.Contains($$$"""{"image":{"format":"png","bytes":{{{Samples.Png.Length}}}}}""", streamed, StringComparison.Ordinal);
        Assert.Contains(answers, a => a.StartsWith($$"""{"content":"You said: {{marker}} plain, my key is [REDACTED:api_key], mail [REDACTED:email]"}""", StringComparison.Ordinal));
        // The streamed answer is assembled from its chunks.
        Assert.Contains(answers, a => a.StartsWith($$"""{"content":"You said: {{marker}} streamed, key [REDACTED:api_key] I see 1 image: png ({{Samples.Png.Length}} bytes)."}""", StringComparison.Ordinal));
        Assert.Contains("null", answers); // the failed call: its prompt, and no answer
        Assert.Contains(prompts, p => p.Contains("failing [REDACTED:api_key]", StringComparison.Ordinal));

        var everything = logs.Everything;
        foreach (var secret in new[] { Key, Email, Samples.PngBase64[..16], InProcessStack.ApiKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Theory, EveryHosting]
    public async Task The_responses_api_logs_redacted_prompts_and_answers_only_when_asked(Hosting hosting)
    {
        foreach (var logPrompts in new[] { false, true })
        {
            var (system, logs, marker) = await StartAsync(hosting, logPrompts);
            await using var _ = system;
            var client = system.OpenAi.GetResponsesClient();
            var plain = new CreateResponseOptions { Model = "gpt-4o", Instructions = $"{marker} be brief" };
            plain.InputItems.Add(ResponseItem.CreateUserMessageItem($"{marker} plain, key {Key}"));
            await client.CreateResponseAsync(plain, Ct);
            var streamed = new CreateResponseOptions { Model = "gpt-4o", StreamingEnabled = true };
            streamed.InputItems.Add(ResponseItem.CreateUserMessageItem($"{marker} streamed, mail {Email}"));
            await foreach (var update in await client.CreateResponseStreamingAsync(streamed, Ct))
            {
            }

            await system.Metrics.CountAsync(2);

            var entries = logs.Lines.Where(l => l.Category == PromptLog.Category).ToList();
            if (!logPrompts)
            {
                Assert.Empty(entries);
                Assert.DoesNotContain(marker, logs.Everything, StringComparison.Ordinal);
                continue;
            }

            var answers = entries.Where(e => e.State.ContainsKey("Answer")).Select(e => (string)e.State["Answer"]!).ToList();
            Assert.Contains(answers, a => a.StartsWith($$"""{"content":"You said: {{marker}} plain, key [REDACTED:api_key]"}""", StringComparison.Ordinal));
            // The streamed answer is the snapshot its stream ended with.
            Assert.Contains(answers, a => a.StartsWith($$"""{"content":"You said: {{marker}} streamed, mail [REDACTED:email]"}""", StringComparison.Ordinal));
            Assert.All(entries, e => Assert.Equal("responses", e.State["Operation"]));
            Assert.DoesNotContain(Key, logs.Everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Email, logs.Everything, StringComparison.Ordinal);
        }
    }
}
