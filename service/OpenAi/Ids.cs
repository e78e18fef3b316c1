using System.Security.Cryptography;

namespace BedrockNovaProxy.OpenAi;

public static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>chatcmpl- and 29 random characters, the length OpenAI uses.</summary>
    public static string ChatCompletion() => "chatcmpl-" + RandomNumberGenerator.GetString(Alphabet, 29);

    /// <summary>A Responses API id as OpenAI writes them: its prefix (resp, msg, fc, rs), an underscore and 48 hex digits.</summary>
    public static string Next(string prefix) => prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
