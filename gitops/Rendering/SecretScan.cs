using System.Text.RegularExpressions;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>Secrets that must never reach a rendered file (they are committed and deployed as plain text): API keys,
/// AWS access keys and secret keys, private keys, tokens. SHA-256 hashes of keys are not secrets and pass. Pure.</summary>
public static partial class SecretScan
{
    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("OpenAI-style API key", OpenAiKey()),
        ("AWS access key id", AwsAccessKey()),
        ("AWS secret access key", AwsSecret()),
        ("private key", PrivateKey()),
        ("JSON web token", Jwt()),
        ("GitHub token", GitHubToken()),
    ];

    public static IReadOnlyList<string> Find(string file, string text)
    {
        var findings = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var (kind, pattern) in Patterns)
            {
                if (pattern.IsMatch(lines[i]))
                {
                    findings.Add($"{file}:{i + 1}: looks like a {kind}; only hashes of keys may be rendered");
                }
            }
        }

        return findings;
    }

    [GeneratedRegex(@"\bsk-(?:proj-|bnp-)?[A-Za-z0-9_-]{20,}")]
    private static partial Regex OpenAiKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?i)(?:aws_?secret_?access_?key|secretaccesskey)\W{1,5}[A-Za-z0-9/+=]{40}")]
    private static partial Regex AwsSecret();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bgh[pousr]_[A-Za-z0-9]{36}\b")]
    private static partial Regex GitHubToken();
}
