namespace BedrockNovaProxy.OpenAi;

/// <summary>Ids of answers, as OpenAI writes them. They name an answer and grant nothing (the proxy stores no answer to
/// look up by id), so they come from the fast shared generator, not the cryptographic one: a system call to OpenSSL per
/// id was about 1% of the proxy's CPU at saturation.</summary>
public static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string ChatPrefix = "chatcmpl-";

    /// <summary>chatcmpl- and 29 random characters, the length OpenAI uses.</summary>
    public static string ChatCompletion() => string.Create(ChatPrefix.Length + 29, 0, static (id, _) =>
    {
        ChatPrefix.CopyTo(id);
        Random.Shared.GetItems(Alphabet, id[ChatPrefix.Length..]);
    });

    /// <summary>A Responses API id as OpenAI writes them: its prefix (resp, msg, fc, rs), an underscore and 48 hex digits.</summary>
    public static string Next(string prefix)
    {
        Span<byte> bytes = stackalloc byte[24];
        Random.Shared.NextBytes(bytes);
        return string.Concat(prefix, "_", Convert.ToHexStringLower(bytes));
    }
}
