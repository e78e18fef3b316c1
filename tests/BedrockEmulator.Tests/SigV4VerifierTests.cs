using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using ServiceSigner = BedrockNovaProxy.Aws.SigV4Signer;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

public class SigV4VerifierTests
{
    private static readonly DateTime SignedAt = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"text":"hi"}]}]}""");

    /// <summary>Signs like the proxy does (AWSSDK.Core's AWS4Signer) and returns what the emulator would receive.</summary>
    private static SignedRequestData Signed(string modelId, string secret = LocalCredentials.SecretAccessKey, string region = LocalCredentials.Region, byte[]? body = null, string? token = null)
    {
        var signer = new ServiceSigner(new Uri("http://127.0.0.1:5005"), region);
        var signed = signer.Sign("/model/{modelId}/converse", modelId, Body, "application/json",
            new ImmutableCredentials(LocalCredentials.AccessKeyId, secret, token), SignedAt);
        var headers = signed.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        headers["host"] = "127.0.0.1:5005";
        return new SignedRequestData("POST", signed.Uri.PathAndQuery, headers, body ?? Body);
    }

    private static string? Verify(SignedRequestData request, TimeSpan? clockOffset = null, bool required = true) =>
        SigV4Verifier.Verify(request, LocalCredentials.Region, SignedAt + (clockOffset ?? TimeSpan.Zero), required)?.Type;

    [Theory]
    [InlineData("amazon.nova-lite-v1:0")]
    [InlineData("us.amazon.nova-pro-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0")]
    public void Accepts_what_AWSSDK_Core_signs_including_encoded_colons_and_slashes(string modelId)
    {
        var request = Signed(modelId);

        Assert.Contains("%3A", request.RawTarget);
        Assert.Null(Verify(request));
    }

    [Fact]
    public void Accepts_signed_session_tokens() => Assert.Null(Verify(Signed("amazon.nova-lite-v1:0", token: "session-token")));

    public static TheoryData<string, Func<SignedRequestData>, TimeSpan, string> Rejections => new()
    {
        { "wrong secret", () => Signed("amazon.nova-lite-v1:0", secret: "not-the-secret"), TimeSpan.Zero, "InvalidSignatureException" },
        { "body changed after signing", () => Signed("amazon.nova-lite-v1:0", body: Encoding.UTF8.GetBytes("{}")), TimeSpan.Zero, "XAmzContentSHA256Mismatch" },
        { "other region", () => Signed("amazon.nova-lite-v1:0", region: "eu-west-1"), TimeSpan.Zero, "InvalidSignatureException" },
        { "signed six minutes ago", () => Signed("amazon.nova-lite-v1:0"), TimeSpan.FromMinutes(6), "InvalidSignatureException" },
        { "signed six minutes ahead", () => Signed("amazon.nova-lite-v1:0"), TimeSpan.FromMinutes(-6), "InvalidSignatureException" },
        { "path changed after signing", () => Signed("amazon.nova-lite-v1:0") with { RawTarget = "/model/amazon.nova-pro-v1%3A0/converse" }, TimeSpan.Zero, "InvalidSignatureException" },
        { "single-encoded canonical path", () => SignedSingleEncoded(), TimeSpan.Zero, "InvalidSignatureException" },
        { "no authorization", () => new SignedRequestData("POST", "/model/x/converse", new Dictionary<string, string>(), Body), TimeSpan.Zero, "MissingAuthenticationTokenException" },
        { "unknown access key", () => WithAuthorization(Signed("amazon.nova-lite-v1:0"), a => a.Replace(LocalCredentials.AccessKeyId, "AKIDEXAMPLE")), TimeSpan.Zero, "UnrecognizedClientException" },
        // fuzz (SigV4FuzzTests): a parameter named twice threw ArgumentException, a 500.
        { "a parameter twice", () => WithAuthorization(Signed("amazon.nova-lite-v1:0"), a => a + ", Signature=00"), TimeSpan.Zero, "IncompleteSignatureException" },
        { "no signature", () => WithAuthorization(Signed("amazon.nova-lite-v1:0"), a => a[..a.IndexOf(", Signature", StringComparison.Ordinal)]), TimeSpan.Zero, "IncompleteSignatureException" },
        { "wrong bearer token", () => new SignedRequestData("POST", "/model/x/converse", new Dictionary<string, string> { ["authorization"] = "Bearer nope" }, Body), TimeSpan.Zero, "UnrecognizedClientException" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Rejects_as_AWS_does(string name, Func<SignedRequestData> request, TimeSpan clockOffset, string errorType)
    {
        Assert.True(errorType == Verify(request(), clockOffset), name);
    }

    [Fact]
    public void Errors_are_403_with_AWS_messages()
    {
        var error = SigV4Verifier.Verify(Signed("amazon.nova-lite-v1:0"), LocalCredentials.Region, SignedAt.AddMinutes(6), true)!;

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.Status);
        Assert.Equal("Signature expired: 20261125T100000Z is now earlier than 20261125T100100Z (20261125T100600Z - 5 min.)", error.Message);
    }

    [Fact]
    public void Accepts_the_bedrock_api_key_and_unsigned_requests_when_allowed()
    {
        var bearer = new SignedRequestData("POST", "/model/x/converse", new Dictionary<string, string> { ["authorization"] = "Bearer " + LocalCredentials.BearerToken }, Body);
        var unsigned = new SignedRequestData("POST", "/model/x/converse", new Dictionary<string, string>(), Body);

        Assert.Null(Verify(bearer));
        Assert.Null(Verify(unsigned, required: false));
    }

    [Fact]
    public void Builds_the_published_canonical_request_for_a_model_id_with_a_colon()
    {
        // The test vector in ../shared/reference/bedrock-runtime-wire.md §8.3 (AWSSDK.Core and botocore agree on it).
        var request = new SignedRequestData("POST", "/model/us.amazon.nova-lite-v1%3A0/converse", new Dictionary<string, string>
        {
            ["content-type"] = "application/json",
            ["host"] = "bedrock-runtime.us-east-1.amazonaws.com",
            ["x-amz-content-sha256"] = "c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0",
            ["x-amz-date"] = "20250102T030405Z",
        }, Body);

        var canonical = SigV4Verifier.CanonicalRequest(request, "content-type;host;x-amz-content-sha256;x-amz-date", "c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0");

        Assert.Equal("""
            POST
            /model/us.amazon.nova-lite-v1%253A0/converse

            content-type:application/json
            host:bedrock-runtime.us-east-1.amazonaws.com
            x-amz-content-sha256:c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0
            x-amz-date:20250102T030405Z

            content-type;host;x-amz-content-sha256;x-amz-date
            c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0
            """.ReplaceLineEndings("\n"), canonical);
    }

    /// <summary>A client that forgets the second encoding signs "/model/x%3A0/..." literally; Bedrock rejects it.</summary>
    private static SignedRequestData SignedSingleEncoded()
    {
        var request = Signed("amazon.nova-lite-v1:0");
        var headers = new Dictionary<string, string>(request.Headers);
        var signedHeaders = "content-type;host;x-amz-content-sha256;x-amz-date";
        var canonical = SigV4Verifier.CanonicalRequest(request, signedHeaders, headers["x-amz-content-sha256"])
            .Replace("%253A", "%3A", StringComparison.Ordinal);
        var signature = Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey,
            LocalCredentials.Region, SignedAt, "bedrock", signedHeaders, canonical);
        headers["authorization"] = signature.ForAuthorizationHeader;
        return request with { Headers = headers };
    }

    private static SignedRequestData WithAuthorization(SignedRequestData request, Func<string, string> change)
    {
        var headers = new Dictionary<string, string>(request.Headers);
        headers["authorization"] = change(headers["authorization"]);
        return request with { Headers = headers };
    }
}
