using System.Security.Cryptography;
using System.Text;

namespace BedrockNovaProxy.Auth;

/// <summary>How an API key is stored: the lower-case hex SHA-256 of its UTF-8 bytes. The proxy compares presented keys
/// by it, `gitops keys` writes it into customer files, the local tools configure their keys with it.</summary>
public static class ApiKeyHash
{
    public const int Length = SHA256.HashSizeInBytes;

    public static string Of(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static void Compute(string secret, Span<byte> hash) => SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
}
