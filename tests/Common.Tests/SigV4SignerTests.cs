using Amazon.Runtime;
using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Common.Tests;

public class SigV4SignerTests
{
    private static readonly DateTime SignedAt = new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private static readonly byte[] Body = """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"""u8.ToArray();
    private static readonly ImmutableCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    [Fact]
    public void Signs_a_model_id_with_a_colon_like_the_reference_vector()
    {
        // ../shared/reference/bedrock-runtime-wire.md §8.3: AWSSDK.Core and an independent Python SigV4 agree on this.
        var signer = new SigV4Signer(new Uri("https://bedrock-runtime.us-east-1.amazonaws.com"), "us-east-1");
        var signed = signer.Sign("/model/{modelId}/converse", "us.amazon.nova-lite-v1:0", Body, "application/json", Example, SignedAt);

        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-lite-v1%3A0/converse", signed.Uri.AbsoluteUri);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=d1c78e3985ce32cc556b60bcbad73c0553b85161b32ffd1d6a84076a984a1890",
            signed.Headers["Authorization"]);
        Assert.Equal("20250102T030405Z", signed.Headers["X-Amz-Date"]);
        Assert.False(signed.Headers.ContainsKey("host"));
    }

    [Theory]
    [InlineData("amazon.nova-pro-v1:0", "/model/amazon.nova-pro-v1%3A0/converse")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-lite-v1%3A0/converse")]
    public void Model_ids_are_percent_encoded_once_in_the_path(string modelId, string path)
    {
        var signer = new SigV4Signer(new Uri("http://127.0.0.1:4010"), "us-east-1");
        var signed = signer.Sign("/model/{modelId}/converse", modelId, Body, "application/json", Example, SignedAt);
        Assert.Equal(path, signed.Uri.AbsolutePath);
        Assert.Contains("/us-east-1/bedrock/aws4_request", signed.Headers["Authorization"]);
    }

    [Fact]
    public void Temporary_credentials_sign_their_session_token()
    {
        var signer = new SigV4Signer(new Uri("https://bedrock-runtime.eu-west-1.amazonaws.com"), "eu-west-1");
        var signed = signer.Sign("/model/{modelId}/converse", "eu.amazon.nova-pro-v1:0", Body, "application/json",
            new ImmutableCredentials("ASIAEXAMPLE", "secret", "the-session-token"), SignedAt);
        Assert.Equal("the-session-token", signed.Headers["X-Amz-Security-Token"]);
        Assert.Contains("x-amz-security-token", signed.Headers["Authorization"]);
        Assert.Contains("/eu-west-1/bedrock/aws4_request", signed.Headers["Authorization"]);
    }

    [Fact]
    public void Signs_other_aws_apis_by_their_signing_name_with_the_extra_headers()
    {
        // The same request signed by botocore's SigV4Auth (service "ce", us-east-1, same headers and clock): an
        // implementation the signer does not share. X-Amz-Target is signed with the others.
        var body = """{"TimePeriod":{"Start":"2024-12-01","End":"2025-01-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"]}"""u8.ToArray();
        var signer = new SigV4Signer(new Uri("https://ce.us-east-1.amazonaws.com/"), "us-east-1", "ce");
        var signed = signer.Sign("/", null, body, "application/x-amz-json-1.1", Example, SignedAt,
            headers: new Dictionary<string, string> { ["X-Amz-Target"] = "AWSInsightsIndexService.GetCostAndUsage" });

        Assert.Equal("https://ce.us-east-1.amazonaws.com/", signed.Uri.AbsoluteUri);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/ce/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=39b0336dd32afbb6eda8e0ee11a738221f9def36ed8edb50479f75c2f8a346ff",
            signed.Headers["Authorization"]);
        Assert.Equal("AWSInsightsIndexService.GetCostAndUsage", signed.Headers["X-Amz-Target"]);
    }
}
