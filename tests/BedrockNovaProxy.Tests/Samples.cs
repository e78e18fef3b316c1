namespace BedrockNovaProxy.Tests;

/// <summary>Content the unit and end-to-end tests send: one copy of each.</summary>
internal static class Samples
{
    /// <summary>A 1x1 PNG, base64.</summary>
    public const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    /// <summary>The 1x1 PNG's bytes, a fresh copy each time (a test may change them).</summary>
    public static byte[] Png => Convert.FromBase64String(PngBase64);
}
