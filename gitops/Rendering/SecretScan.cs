using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>Secrets that must never reach a rendered file (renders are committed and deployed as plain text): the
/// credentials the proxy's own log redactor knows (API keys, AWS keys, private keys, tokens, passwords). Personal data
/// such as an owner's e-mail in a tag is not a secret; SHA-256 hashes of keys are neither. Pure.</summary>
public static class SecretScan
{
    public static IReadOnlyList<string> Find(string file, string text)
    {
        var findings = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var kind in Redactor.Find(lines[i]).Where(Redactor.SecretKinds.Contains))
            {
                findings.Add($"{file}:{i + 1}: holds what looks like a secret ({kind}); only hashes of keys may be rendered");
            }
        }

        return findings;
    }
}
