using System.Text.Json.Nodes;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>What the emulated Nova answers when the request turns on its system tools, deterministically:
/// nova_grounding cites one page named after the prompt (docs.example.com/search/{words}); nova_code_interpreter
/// runs print() of the prompt, and fails as Python would when the prompt says "raise". Pure.</summary>
public static class SystemToolAnswers
{
    public const string Domain = "docs.example.com";

    public static List<ReplyBlock> For(ConverseRequest request, string prompt, string toolUseId)
    {
        var blocks = new List<ReplyBlock>();
        if (request.SystemTools.Contains(SystemToolNames.CodeInterpreter))
        {
            var code = $"print({JsonValue.Create(prompt).ToJsonString()})";
            var failed = prompt.Contains("raise", StringComparison.OrdinalIgnoreCase);
            var result = new JsonObject
            {
                ["stdOut"] = failed ? "" : prompt + "\n",
                ["stdErr"] = failed ? "Traceback (most recent call last):\nRuntimeError: raised on request\n" : "",
                ["exitCode"] = failed ? 1 : 0,
                ["isError"] = failed,
            };
            blocks.Add(new ReplyServerToolUse(toolUseId, SystemToolNames.CodeInterpreter, new JsonObject { ["code"] = code }));
            blocks.Add(new ReplyToolResult(toolUseId, "nova_code_interpreter_result", failed ? "error" : "success", result.ToJsonString()));
            blocks.Add(new ReplyText(failed ? "The code failed." : $"The code printed: {prompt}"));
        }

        if (request.SystemTools.Contains(SystemToolNames.Grounding))
        {
            var slug = string.Join('-', prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new string([.. w.Where(char.IsLetterOrDigit)]).ToLowerInvariant()).Where(w => w.Length > 0));
            blocks.Add(new ReplyText("From the web: "));
            blocks.Add(new ReplyCitations($"{prompt} is explained on {Domain}.",
                [new ReplyCitation($"About {prompt}", $"https://{Domain}/search/{slug}", Domain)]));
        }

        return blocks;
    }
}
