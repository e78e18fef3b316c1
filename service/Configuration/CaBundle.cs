using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BedrockNovaProxy.Configuration;

/// <summary>Proxy:Bedrock:CaBundle / AWS_CA_BUNDLE: a PEM file of CA certificates, read once at start.</summary>
public static class CaBundle
{
    public const string Keys = "Proxy:Bedrock:CaBundle / AWS_CA_BUNDLE";

    /// <summary>The certificates, or why there are none (the file is missing, unreadable or holds no certificate).</summary>
    public static (X509Certificate2Collection? Roots, string? Error) Read(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return (null, $"{Keys}: '{path}' could not be read as PEM certificates: {e.Message}");
        }

        return roots.Count == 0 ? (null, $"{Keys}: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).") : (roots, null);
    }

    /// <summary>Chains must end at one of <paramref name="roots"/>, and only there. Revocation is not checked: a private
    /// CA rarely publishes a CRL, and AWS's SDKs do not check it with a custom bundle either.</summary>
    public static X509ChainPolicy Policy(X509Certificate2Collection roots)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }
}
