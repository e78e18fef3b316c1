using System.Text.Json;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Tests.Support;
using CsCheck;

namespace BedrockNovaProxy.Common.Tests;

/// <summary>The proxy's own SigV4 signer judged by two implementations it shares nothing with: AWSSDK.Core's AWS4Signer
/// (in process) and botocore's SigV4Auth (python), on generated requests: endpoints with and without ports and base
/// paths, Regions, signing names, model ids with every reserved character and non-ASCII text, bodies, session tokens,
/// extra headers with runs of spaces, any second of a century.</summary>
public class SigV4JudgeTests
{
    private static readonly string[] Endpoints =
        ["https://bedrock-runtime.us-east-1.amazonaws.com", "http://127.0.0.1:4010", "https://localhost:8443/base/path/", "http://[::1]:5000", "https://ce.us-east-1.amazonaws.com/"];

    private static readonly string[] Templates = ["/model/{modelId}/converse", "/model/{modelId}/converse-stream", "/model/{modelId}/invoke", "/"];

    // "." and ".." alone would be dot segments, which URIs remove; no model id is one.
    private static readonly Gen<string> ModelIds = Gen.String[Gen.Char["abcAZ09.-_~:/%+ é日"], 1, 40].Where(id => id is not ("." or ".."));

    private static readonly Gen<Case> Cases = Gen.Select(
        Gen.Select(Gen.Int[0, Endpoints.Length - 1], Gen.OneOf("us-east-1", "eu-west-1", "ap-northeast-1"), Gen.OneOf("bedrock", "ce", "monitoring", "sts"),
            Gen.Int[0, Templates.Length - 1], ModelIds),
        Gen.Select(Gen.Byte.Array[0, 300], Gen.OneOf("application/json", "application/x-amz-json-1.1", "application/x-www-form-urlencoded; charset=utf-8"),
            Gen.OneOf<string?>(null, "application/json", "application/vnd.amazon.eventstream")),
        Gen.Select(Gen.OneOf<string?>(null, "FwoGZXIvYXdzEJr//////////wEaDA+token=="), Gen.OneOf<string?>(null, "Svc.Op", "  Svc.Op  with   runs  "),
            Gen.Long[0, 3_155_759_999L]),
        (target, content, extra) => new Case(Endpoints[target.Item1], target.Item2, target.Item3, Templates[target.Item4],
            Templates[target.Item4].Contains("{modelId}", StringComparison.Ordinal) ? target.Item5 : null,
            content.Item1, content.Item2, content.Item3, extra.Item1, extra.Item2, DateTime.UnixEpoch.AddSeconds(extra.Item3)));

    [Fact]
    public async Task Signs_as_AWSSDK_Core_signs_generated_requests()
    {
        // AWSSDK.Core canonicalises an endpoint's base path otherwise than as the URI it sends (its signature for
        // https://host/base/ covers another path than the one requested): those endpoints are botocore's to judge.
        var ran = await GeneratedCases.Check(Cases.Where(c => new Uri(c.Endpoint).AbsolutePath.Length <= 1), c =>
        {
            var ours = Sign(c);
            var theirs = AwsSdk(c);
            Assert.Equal(theirs.Uri.AbsoluteUri, ours.Uri.AbsoluteUri);
            // Header names are case-insensitive (AWSSDK.Core spells the token's in lower case).
            Assert.Equal(Lowered(theirs), Lowered(ours));
        }, seed: 20261206, cases: 2000, print: c => c.ToString());
        Assert.Equal(2000 * GeneratedCases.Scale, ran);
    }

    [Fact]
    public async Task Signs_as_botocore_signs_generated_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        ExternalTools.Require(await ExternalTools.RunsAsync("python3", ["-c", "import botocore"], ct), "python3 with botocore is not installed");
        var cases = Enumerable.Range(0, 300).Select(i => Cases.Generate(new PCG(1, 7_000 + (ulong)i), null, out _)).ToArray();
        var signed = cases.Select(Sign).ToArray();
        var input = Path.GetTempFileName();
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(cases.Zip(signed, (c, s) => new Dictionary<string, object?>
        {
            ["url"] = s.Uri.AbsoluteUri,
            ["body"] = Convert.ToBase64String(c.Body),
            ["region"] = c.Region,
            ["service"] = c.Service,
            ["token"] = c.Token,
            ["timestamp"] = s.Headers["X-Amz-Date"],
            // The headers sent besides those botocore adds itself (the date, the token, the signature).
            ["headers"] = s.Headers.Where(h => h.Key is not ("X-Amz-Date" or "X-Amz-Security-Token" or "Authorization")).ToDictionary(),
        })), ct);
        try
        {
            var run = await ExternalTools.RunAsync("python3", ["-c", Botocore, input], ct);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var theirs = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(cases.Length, theirs.Length);
            for (var i = 0; i < cases.Length; i++)
            {
                Assert.True(signed[i].Headers["Authorization"] == theirs[i], $"case {i}: {cases[i]}\n ours:     {signed[i].Headers["Authorization"]}\n botocore: {theirs[i]}");
            }
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void Reuses_the_days_signing_key_and_derives_the_next_days()
    {
        var signer = new SigV4Signer(new Uri("https://bedrock-runtime.us-east-1.amazonaws.com"), "us-east-1");
        var c = new Case("https://bedrock-runtime.us-east-1.amazonaws.com", "us-east-1", "bedrock", Templates[0], "amazon.nova-pro-v1:0", [1, 2, 3],
            "application/json", null, null, null, new DateTime(2026, 12, 6, 23, 59, 59, DateTimeKind.Utc));
        foreach (var at in new[] { c.At, c.At.AddSeconds(1), c.At.AddSeconds(-86_400), c.At.AddSeconds(1) })
        {
            var day = c with { At = at };
            Assert.Equal(AwsSdk(day).Headers["Authorization"], Sign(signer, day).Headers["Authorization"]);
        }

        var rotated = c with { Token = "new-session" };
        var secret = new ImmutableCredentials("AKIDEXAMPLE", "another-secret", rotated.Token);
        Assert.Equal(AwsSdk(rotated, secret).Headers["Authorization"], Sign(signer, rotated, secret).Headers["Authorization"]);
    }

    private static IEnumerable<(string, string)> Lowered(SignedRequest request) =>
        request.Headers.Select(h => (h.Key.ToLowerInvariant(), h.Value)).Order();

    private static readonly ImmutableCredentials Key = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    private static SignedRequest Sign(Case c) => Sign(new SigV4Signer(new Uri(c.Endpoint), c.Region, c.Service), c);

    private static SignedRequest Sign(SigV4Signer signer, Case c, ImmutableCredentials? credentials = null) =>
        signer.Sign(c.Template, c.ModelId, c.Body, c.ContentType, credentials ?? Credentials(c), c.At, c.Accept, Extra(c));

    private static ImmutableCredentials Credentials(Case c) => new(Key.AccessKey, Key.SecretKey, c.Token);

    private static Dictionary<string, string>? Extra(Case c) => c.Target is null ? null : new() { ["X-Amz-Target"] = c.Target };

    /// <summary>The same request signed by AWSSDK.Core's AWS4Signer, as the proxy signed before it had its own signer.</summary>
    private static SignedRequest AwsSdk(Case c, ImmutableCredentials? credentials = null) =>
        AwsSdkSigning.Sign(new Uri(c.Endpoint), c.Region, c.Service, c.Template, c.ModelId, c.Body, c.ContentType, credentials ?? Credentials(c), c.At, c.Accept, Extra(c));

    /// <summary>Signs each request of the JSON file with botocore at the request's own timestamp; prints each Authorization.</summary>
    private const string Botocore = """
        import base64, json, sys
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        for c in json.load(open(sys.argv[1])):
            auth = SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", c["token"]), c["service"], c["region"])
            request = AWSRequest(method="POST", url=c["url"], data=base64.b64decode(c["body"]), headers=c["headers"])
            request.context["timestamp"] = c["timestamp"]
            # add_auth's steps with the request's own clock instead of now.
            auth._modify_request_before_signing(request)
            signature = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
            auth._inject_signature_to_request(request, signature)
            print(request.headers["Authorization"])
        """;

    public sealed record Case(string Endpoint, string Region, string Service, string Template, string? ModelId, byte[] Body, string ContentType,
        string? Accept, string? Token, string? Target, DateTime At)
    {
        public override string ToString() =>
            $"{Endpoint} {Region}/{Service} {Template} model={ModelId} body={Body.Length}B type={ContentType} accept={Accept} token={Token is not null} target='{Target}' at={At:O}";
    }
}
