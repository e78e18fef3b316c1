using System.Text.RegularExpressions;

namespace BedrockNovaProxy.Telemetry;

/// <summary>Removes secrets and personal data from text before it is logged, each replaced by a typed placeholder
/// (<c>[REDACTED:email]</c>). Pure. What it finds, in this order (earlier kinds win where they overlap):
/// <list type="bullet">
/// <item><c>private_key</c>: PEM private key blocks (RSA, EC, OPENSSH, PKCS#8, encrypted);</item>
/// <item><c>jwt</c>: three base64url segments whose first two start as JSON objects do (<c>eyJ</c>);</item>
/// <item><c>bearer_token</c>: what follows "Bearer " (8 or more token characters, at least one a digit);</item>
/// <item><c>api_key</c>: OpenAI-style <c>sk-</c> keys (sk-proj-, sk-ant-... with 16 or more characters after the
/// prefix) and GitHub tokens (<c>ghp_</c>, <c>gho_</c>, <c>ghs_</c>, <c>ghu_</c>, <c>ghr_</c>, <c>github_pat_</c>);</item>
/// <item><c>aws_access_key_id</c>: AKIA/ASIA/... followed by 16 upper-case letters or digits;</item>
/// <item><c>aws_secret_access_key</c>: 40 base64 characters after a secret-key label, or standing alone when they mix
/// upper case, lower case and digits (a git SHA-1 is lower-case hex and stays);</item>
/// <item><c>password</c>: the value (quoted or up to a space or comma) after password=, passwd: or pwd=;</item>
/// <item><c>email</c>: addresses with a domain and a top-level domain of two or more letters;</item>
/// <item><c>card</c>: 13 to 19 digits, optionally grouped by spaces or hyphens, that pass the Luhn check;</item>
/// <item><c>phone</c>: international numbers written with a leading + (8 to 15 digits), and North American numbers
/// written as (555) 123-4567, 555-123-4567 or 555.123.4567.</item>
/// </list>
/// Not redacted: dates, times, version numbers, UUIDs, hashes, IP addresses, order numbers that fail Luhn, plain
/// digit runs that carry no phone formatting.</summary>
public static partial class Redactor
{
    // Each rule: a pattern, the kind it finds, and a second look at a match that returns the text to keep before the
    // placeholder (a label such as "password: "), or null when the match is not one after all.
    private static readonly (Regex Pattern, string Kind, Func<Match, string?> Keep)[] Rules =
    [
        (PrivateKey(), "private_key", Whole),
        (Jwt(), "jwt", Whole),
        (Bearer(), "bearer_token", m => m.Groups["value"].Value.Any(char.IsAsciiDigit) ? m.Groups["label"].Value : null),
        (ApiKey(), "api_key", Whole),
        (AwsAccessKeyId(), "aws_access_key_id", Whole),
        (AwsSecretLabelled(), "aws_secret_access_key", m => m.Groups["label"].Value),
        (AwsSecretAlone(), "aws_secret_access_key", m => MixesCase(m.Value) ? "" : null),
        (Password(), "password", m => m.Groups["label"].Value),
        (Email(), "email", Whole),
        (Card(), "card", m => Luhn(m.Value) ? "" : null),
        (Phone(), "phone", m => m.Value.Count(char.IsAsciiDigit) is >= 8 and <= 15 ? "" : null),
    ];

    /// <summary>The kinds that are secrets (credentials), as opposed to personal data (email, card, phone).</summary>
    public static readonly IReadOnlySet<string> SecretKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "private_key", "jwt", "bearer_token", "api_key", "aws_access_key_id", "aws_secret_access_key", "password",
    };

    /// <summary>The kinds <see cref="Redact"/> would replace in <paramref name="text"/>, in the order of the rules.</summary>
    public static IReadOnlyList<string> Find(string text) =>
        [.. Rules.Where(r => r.Pattern.Matches(text).Any(m => r.Keep(m) is not null)).Select(r => r.Kind).Distinct()];

    public static string Redact(string text)
    {
        foreach (var (pattern, kind, keep) in Rules)
        {
            text = pattern.Replace(text, match => keep(match) is { } label ? label + "[REDACTED:" + kind + "]" : match.Value);
        }

        return text;
    }

    /// <summary>The Luhn checksum of the digits in <paramref name="value"/> (separators ignored).</summary>
    public static bool Luhn(string value)
    {
        var (sum, doubled, digits) = (0, false, 0);
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                continue;
            }

            var d = value[i] - '0';
            if (doubled && (d *= 2) > 9)
            {
                d -= 9;
            }

            (sum, doubled, digits) = (sum + d, !doubled, digits + 1);
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    private static string Whole(Match match) => "";

    private static bool MixesCase(string value) =>
        value.Any(char.IsAsciiLetterUpper) && value.Any(char.IsAsciiLetterLower) && value.Any(char.IsAsciiDigit);

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<label>\b[Bb]earer\s+)(?<value>[A-Za-z0-9._~+/-]{8,}=*)")]
    private static partial Regex Bearer();

    [GeneratedRegex(@"\b(?:sk-(?:[a-z]{2,10}-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}\b")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?<label>(?i:aws_?secret_?access_?key|secret_?access_?key|aws_?secret(?:_?key)?)[""']?\s*[:=]\s*[""']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")]
    private static partial Regex AwsSecretLabelled();

    [GeneratedRegex(@"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")]
    private static partial Regex AwsSecretAlone();

    [GeneratedRegex(@"(?<label>\b(?i:password|passwd|pwd)[""']?\s*[:=]\s*)(?:""[^""]*""|'[^']*'|[^\s""',;]+)")]
    private static partial Regex Password();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")]
    private static partial Regex Card();

    [GeneratedRegex(@"(?<![\w+])\+\d[\d ().-]{6,20}\d(?!\d)|(?<!\d)(?:\(\d{3}\) ?|\d{3}[-.])\d{3}[-.]\d{4}(?!\d)")]
    private static partial Regex Phone();
}
