using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>What the emulated model answers, before it is shaped as a Converse response or an event stream.</summary>
/// <param name="InputTokens">All prompt tokens, cached or not.</param>
/// <param name="ServiceTier">The tier that served it, when the request named one (echoed as serviceTier).</param>
public sealed record Reply(IReadOnlyList<ReplyBlock> Blocks, string StopReason, int InputTokens, int OutputTokens, int CacheReadTokens, int CacheWriteTokens = 0,
    string? ServiceTier = null);

public abstract record ReplyBlock;

public sealed record ReplyText(string Text) : ReplyBlock;

public sealed record ReplyReasoning(string Text) : ReplyBlock;

public sealed record ReplyToolUse(string ToolUseId, string Name, JsonObject Input) : ReplyBlock;
