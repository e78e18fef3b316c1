using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Emulators.Bedrock.Transport;
using Microsoft.Extensions.Configuration;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>Proxy:Bedrock:CaBundle / AWS_CA_BUNDLE: read once at start; a bundle that cannot be used stops the start.</summary>
public class CaBundleTests
{
    private static ProxyConfiguration Load(Dictionary<string, string?> settings) => ProxyConfiguration.Load(new ConfigurationBuilder()
        .AddInMemoryCollection(settings)
        .AddInMemoryCollection([KeyValuePair.Create("AWS_REGION", (string?)"us-east-1"), KeyValuePair.Create("Proxy:Auth:AllowAnonymous", (string?)"true")])
        .Build());

    [Fact]
    public void Reads_the_bundle_named_by_aws_ca_bundle_or_the_proxy_key_first()
    {
        using var first = LocalCertificateAuthority.Create("First CA");
        using var second = LocalCertificateAuthority.Create("Second CA");
        var folder = Directory.CreateTempSubdirectory("bnp-ca-bundle-").FullName;
        try
        {
            var (a, b) = (Path.Combine(folder, "a.pem"), Path.Combine(folder, "b.pem"));
            first.WritePem(a);
            second.WritePem(b);
            File.AppendAllText(b, File.ReadAllText(a)); // a bundle of two

            var fromAws = Load(new() { ["AWS_CA_BUNDLE"] = a });
            var fromProxy = Load(new() { ["AWS_CA_BUNDLE"] = a, ["Proxy:Bedrock:CaBundle"] = b });
            var none = Load([]);

            Assert.Equal(["CN=First CA"], fromAws.TrustedRoots!.Select(c => c.Subject));
            Assert.Equal(["CN=Second CA", "CN=First CA"], fromProxy.TrustedRoots!.Select(c => c.Subject));
            Assert.Null(none.TrustedRoots);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, "could not be read as PEM certificates")]
    [InlineData("not a certificate", "holds no PEM certificate")]
    public void Refuses_to_start_with_a_bundle_it_cannot_use(string? content, string problem)
    {
        var folder = Directory.CreateTempSubdirectory("bnp-ca-bundle-").FullName;
        var path = Path.Combine(folder, "ca.pem");
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => Load(new() { ["AWS_CA_BUNDLE"] = path }));

            Assert.Contains($"Proxy:Bedrock:CaBundle / AWS_CA_BUNDLE: '{path}' ", e.Message);
            Assert.Contains(problem, e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
