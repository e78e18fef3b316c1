using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using BedrockNovaProxy.Tests.Support;
using CsCheck;
using ServiceSigner = BedrockNovaProxy.Aws.SigV4Signer;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>Generated Authorization, X-Amz-Date and X-Amz-Content-Sha256 headers, edited from a valid signature
/// (components dropped and repeated, separators and characters inserted, cut short): the local Bedrock's verifier
/// accepts the request or answers an AWS-shaped 4xx (an AWS error type and a message); it never throws, which would be a 500.</summary>
public class SigV4FuzzTests
{
    private static readonly DateTime SignedAt = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"text":"hi"}]}]}""");

    private static readonly string[] Inserts =
        ["=", ",", ", ", "/", " ", "\t", "\0", "é", "\ud800", "Credential=", "SignedHeaders=", "Signature=", "AWS4-HMAC-SHA256 ", ";", "host", "x-amz-date", "", new string('a', 5000), "20261125", "aws4_request", "Bearer "];

    private static readonly string[] Headers = ["authorization", "authorization", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"];

    private static readonly Gen<(int Header, int Kind, int At, int What)[]> Edits =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 4], Gen.Int[0, 9999], Gen.Int[0, 9999]).Array[1, 4];

    [Fact]
    public async Task Malformed_signatures_are_an_aws_shaped_4xx_never_an_exception()
    {
        var refused = 0;
        var cases = await GeneratedCases.Check(Edits, edits =>
        {
            var error = SigV4Verifier.Verify(Mutate(edits), LocalCredentials.Region, SignedAt, requireAuthentication: true);
            if (error is not null)
            {
                Assert.InRange((int)error.Status, 400, 499);
                Assert.Matches("^[A-Za-z0-9]+$", error.Type); // InvalidSignatureException, XAmzContentSHA256Mismatch...
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
                refused++;
            }
        }, seed: 20261208, cases: 3000, print: e => string.Join(" | ", Mutate(e).Headers.Select(h => $"{h.Key}: {h.Value}")));

        Assert.True(refused > cases / 2, $"{refused} of {cases} refused");
    }

    private static SignedRequestData Mutate((int Header, int Kind, int At, int What)[] edits)
    {
        var signed = new ServiceSigner(new Uri("http://127.0.0.1:5005"), LocalCredentials.Region).Sign("/model/{modelId}/converse", "amazon.nova-lite-v1:0", Body,
            "application/json", new ImmutableCredentials(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, null), SignedAt);
        var headers = signed.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        headers["host"] = "127.0.0.1:5005";
        foreach (var (header, kind, at, what) in edits)
        {
            var name = Headers[header % Headers.Length];
            var value = headers.GetValueOrDefault(name, "");
            var i = at % (value.Length + 1);
            var comma = value.IndexOf(',', i);
            headers[name] = kind switch
            {
                0 => value.Insert(i, Inserts[what % Inserts.Length]),
                1 => value.Remove(i, Math.Min(1 + (what % 12), value.Length - i)),
                2 when comma > i => value.Insert(comma, value[i..comma]), // a component repeated
                3 => value[..i],
                _ => Inserts[what % Inserts.Length],
            };
        }

        return new SignedRequestData("POST", signed.Uri.PathAndQuery, headers, Body);
    }
}
