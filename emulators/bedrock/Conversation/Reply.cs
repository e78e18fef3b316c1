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

/// <summary>Grounded text and the web pages it cites (a citationsContent block; streamed as text deltas, then one
/// citation delta per page).</summary>
public sealed record ReplyCitations(string Text, IReadOnlyList<ReplyCitation> Citations) : ReplyBlock;

public sealed record ReplyCitation(string Title, string Url, string Domain);

/// <summary>A system tool Bedrock ran itself: the tool use (type server_tool_use) and its result.</summary>
public sealed record ReplyServerToolUse(string ToolUseId, string Name, JsonObject Input) : ReplyBlock;

/// <param name="Text">The result as Bedrock gives it: JSON text.</param>
public sealed record ReplyToolResult(string ToolUseId, string Type, string Status, string Text) : ReplyBlock;
