using System.Security.Cryptography;

namespace BedrockNovaProxy.OpenAi;

public static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>chatcmpl- and 29 random characters, the length OpenAI uses.</summary>
    public static string ChatCompletion() => "chatcmpl-" + RandomNumberGenerator.GetString(Alphabet, 29);
}
