namespace BedrockNovaProxy.Aws;

/// <summary>The fixed credentials the emulator accepts. They are test values, known to everyone, and grant nothing
/// anywhere else; the proxy, the tests and the AppHost use them to sign requests to the emulator.</summary>
public static class LocalCredentials
{
    public const string AccessKeyId = "BNPLOCALTESTACCESSKEY";
    public const string SecretAccessKey = "bnp-local-test-secret-not-a-real-key";
    public const string Region = "us-east-1";

    /// <summary>The principal the fixed key stands for (it shows in the emulated STS's AccessDenied messages).</summary>
    public const string PrincipalArn = "arn:aws:iam::111122223333:user/bnp-local";

    /// <summary>A Bedrock API key (Authorization: Bearer ...), the alternative to SigV4 that Bedrock accepts.</summary>
    public const string BearerToken = "bnp-local-bedrock-api-key";
}
