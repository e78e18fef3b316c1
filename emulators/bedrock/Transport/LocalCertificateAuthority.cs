using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BedrockNovaProxy.Emulators.Bedrock.Transport;

/// <summary>A throw-away certificate authority for the emulator's HTTPS endpoint: a CA certificate (the bundle a client
/// trusts, as AWS_CA_BUNDLE) and a server certificate it signs for localhost, 127.0.0.1 and ::1. The CA's private key
/// never leaves memory; nothing is trusted machine-wide.</summary>
public sealed class LocalCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private LocalCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA's certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <param name="name">The CA's common name, so two authorities in one test are told apart in error messages.</param>
    public static LocalCertificateAuthority Create(string name = "BedrockNovaProxy local Bedrock CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // Real time, not the emulator's TimeProvider: the clients that check these dates use the real clock.
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(30));
        return new LocalCertificateAuthority(X509CertificateLoader.LoadCertificate(withKey.RawData), key);
    }

    /// <summary>A server certificate for the loopback names, with its private key, signed by this CA.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // serverAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddHours(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so that the key is one every platform's TLS stack can use (an ephemeral key is not, on Windows).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Writes the CA's certificate as PEM, the form AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS and botocore read.</summary>
    public void WritePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
