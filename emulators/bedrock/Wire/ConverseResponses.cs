using System.Text.Json.Nodes;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>One ConverseStream event: its union member name, flat JSON payload, and how many output tokens it
/// carries (for pacing by the latency model).</summary>
public sealed record StreamEvent(string Type, JsonObject Payload, int Tokens);

/// <summary>Shapes a <see cref="Reply"/> as a Converse response body or as the ConverseStream event sequence:
/// messageStart, per block [contentBlockStart for tool use] contentBlockDelta* contentBlockStop, messageStop,
/// metadata (usage comes last, after messageStop, as Bedrock sends it). Pure.</summary>
public static class ConverseResponses
{
    public static JsonObject Response(Reply reply, long latencyMs) => WithTier(reply, new()
    {
        ["output"] = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray([.. reply.Blocks.Select(Content)]),
            },
        },
        ["stopReason"] = reply.StopReason,
        ["usage"] = Usage(reply),
        ["metrics"] = new JsonObject { ["latencyMs"] = latencyMs },
    });

    /// <summary>serviceTier {"type"} in the response and the final metadata event, when the request named a tier.</summary>
    private static JsonObject WithTier(Reply reply, JsonObject body)
    {
        if (reply.ServiceTier is { } tier)
        {
            body["serviceTier"] = new JsonObject { ["type"] = tier };
        }

        return body;
    }

    public static IEnumerable<StreamEvent> Events(Reply reply, long latencyMs)
    {
        yield return new StreamEvent("messageStart", new JsonObject { ["role"] = "assistant" }, 0);
        for (var index = 0; index < reply.Blocks.Count; index++)
        {
            switch (reply.Blocks[index])
            {
                case ReplyText text:
                    foreach (var piece in Tokenizer.Pieces(text.Text))
                    {
                        yield return Delta(index, new JsonObject { ["text"] = piece }, 1);
                    }

                    break;
                case ReplyReasoning reasoning:
                    yield return Delta(index, new JsonObject { ["reasoningContent"] = new JsonObject { ["text"] = reasoning.Text } }, 1);
                    break;
                case ReplyCitations cited:
                    foreach (var piece in Tokenizer.Pieces(cited.Text))
                    {
                        yield return Delta(index, new JsonObject { ["text"] = piece }, 1);
                    }

                    foreach (var citation in cited.Citations)
                    {
                        yield return Delta(index, new JsonObject { ["citation"] = Citation(citation) }, 0);
                    }

                    break;
                case ReplyToolResult result:
                    yield return new StreamEvent("contentBlockStart", new JsonObject
                    {
                        ["start"] = new JsonObject { ["toolResult"] = new JsonObject { ["toolUseId"] = result.ToolUseId, ["type"] = result.Type, ["status"] = result.Status } },
                        ["contentBlockIndex"] = index,
                    }, 0);
                    yield return Delta(index, new JsonObject { ["toolResult"] = new JsonArray(new JsonObject { ["text"] = result.Text }) }, 0);
                    break;
                case ReplyToolUse or ReplyServerToolUse:
                    var (id, name, input, server) = reply.Blocks[index] switch
                    {
                        ReplyToolUse client => (client.ToolUseId, client.Name, client.Input, false),
                        var block => (((ReplyServerToolUse)block).ToolUseId, ((ReplyServerToolUse)block).Name, ((ReplyServerToolUse)block).Input, true),
                    };
                    var toolUse = new JsonObject { ["toolUseId"] = id, ["name"] = name };
                    if (server)
                    {
                        toolUse["type"] = "server_tool_use";
                    }

                    yield return new StreamEvent("contentBlockStart", new JsonObject
                    {
                        ["start"] = new JsonObject { ["toolUse"] = toolUse },
                        ["contentBlockIndex"] = index,
                    }, 0);

                    // Tool input arrives as fragments of JSON text that only parse once joined.
                    var json = input.ToJsonString();
                    var half = json.Length / 2;
                    foreach (var fragment in new[] { json[..half], json[half..] }.Where(f => f.Length > 0))
                    {
                        yield return Delta(index, new JsonObject { ["toolUse"] = new JsonObject { ["input"] = fragment } }, Tokenizer.Count(fragment));
                    }

                    break;
            }

            yield return new StreamEvent("contentBlockStop", new JsonObject { ["contentBlockIndex"] = index }, 0);
        }

        yield return new StreamEvent("messageStop", new JsonObject { ["stopReason"] = reply.StopReason }, 0);
        yield return new StreamEvent("metadata", WithTier(reply, new JsonObject
        {
            ["usage"] = Usage(reply),
            ["metrics"] = new JsonObject { ["latencyMs"] = latencyMs },
        }), 0);
    }

    private static JsonObject Citation(ReplyCitation citation) => new()
    {
        ["title"] = citation.Title,
        ["location"] = new JsonObject { ["web"] = new JsonObject { ["url"] = citation.Url, ["domain"] = citation.Domain } },
    };

    private static StreamEvent Delta(int index, JsonObject delta, int tokens) =>
        new("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = index, ["delta"] = delta }, tokens);

    private static JsonObject Content(ReplyBlock block) => block switch
    {
        ReplyText t => new JsonObject { ["text"] = t.Text },
        ReplyReasoning r => new JsonObject { ["reasoningContent"] = new JsonObject { ["reasoningText"] = new JsonObject { ["text"] = r.Text } } },
        ReplyToolUse u => new JsonObject
        {
            ["toolUse"] = new JsonObject { ["toolUseId"] = u.ToolUseId, ["name"] = u.Name, ["input"] = u.Input.DeepClone() },
        },
        ReplyServerToolUse u => new JsonObject
        {
            ["toolUse"] = new JsonObject { ["toolUseId"] = u.ToolUseId, ["name"] = u.Name, ["type"] = "server_tool_use", ["input"] = u.Input.DeepClone() },
        },
        ReplyToolResult r => new JsonObject
        {
            ["toolResult"] = new JsonObject
            {
                ["toolUseId"] = r.ToolUseId, ["type"] = r.Type, ["status"] = r.Status, ["content"] = new JsonArray(new JsonObject { ["text"] = r.Text }),
            },
        },
        ReplyCitations c => new JsonObject
        {
            ["citationsContent"] = new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject { ["text"] = c.Text }),
                ["citations"] = new JsonArray([.. c.Citations.Select(Citation)]),
            },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(block)),
    };

    private static JsonObject Usage(Reply reply)
    {
        var usage = new JsonObject
        {
            ["inputTokens"] = reply.InputTokens - reply.CacheReadTokens - reply.CacheWriteTokens,
            ["outputTokens"] = reply.OutputTokens,
            ["totalTokens"] = reply.InputTokens + reply.OutputTokens,
        };
        if (reply.CacheReadTokens > 0 || reply.CacheWriteTokens > 0)
        {
            // Bedrock counts cache reads and writes apart from inputTokens; totalTokens includes them.
            usage["cacheReadInputTokens"] = reply.CacheReadTokens;
            usage["cacheWriteInputTokens"] = reply.CacheWriteTokens;
        }

        return usage;
    }
}
