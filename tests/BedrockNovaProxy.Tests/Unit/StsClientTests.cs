using System.Net;
using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock.Sts;
using BedrockNovaProxy.Translation;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>STS as a recording, through the HTTP client the SDK is given: each call gets the next recorded answer
/// (with the reason phrase "the reason phrase" and x-amzn-RequestId "header-id"), and every request is kept.</summary>
internal sealed class RecordedSts : HttpClientFactory
{
    private readonly Queue<(HttpStatusCode Status, string Body)> _answers = new();

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    public RecordedSts Answer(int status, string body)
    {
        _answers.Enqueue(((HttpStatusCode)status, body));
        return this;
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this));

    /// <summary>The proxy's STS client on this recording, signing as <paramref name="caller"/> at <paramref name="clock"/>'s time.</summary>
    public StsClient Client(TimeProvider? clock = null, ImmutableCredentials? caller = null)
    {
        caller ??= new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        return new StsClient(new Uri("https://sts.us-east-1.amazonaws.com"), "us-east-1", new StaticAwsCredentialSource(caller.AccessKey, caller.SecretKey, caller.Token),
            clock ?? new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)), http: this);
    }

    private sealed class Handler(RecordedSts sts) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sts.Requests.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
            var (status, body) = sts._answers.Dequeue();
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml"), ReasonPhrase = "the reason phrase" };
            response.Headers.Add("x-amzn-RequestId", "header-id");
            return response;
        }
    }
}

public class AssumeRoleRequestTests
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    /// <summary>request -> the Query API form AWS's SDK sends for it.</summary>
    public static TheoryData<AssumeRoleRequest, string> Forms => new()
    {
        {
            new(Role, "bedrock-nova-proxy"),
            "Action=AssumeRole&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=bedrock-nova-proxy&Version=2011-06-15"
        },
        {
            new(Role, "bedrock-nova-proxy", "acme-7f3a"),
            "Action=AssumeRole&DurationSeconds=3600&ExternalId=acme-7f3a&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=bedrock-nova-proxy&Version=2011-06-15"
        },
        {
            // Every character IAM allows in names and external ids that a form must escape.
            new("arn:aws-cn:iam::444455556666:role/ai/team+a/bedrock=1", "a+b=c,d.e@f_g-h", "x/y:z+=,.@-", 900),
            "Action=AssumeRole&DurationSeconds=900&ExternalId=x%2Fy%3Az%2B%3D%2C.%40-&RoleArn=arn%3Aaws-cn%3Aiam%3A%3A444455556666%3Arole%2Fai%2Fteam%2Ba%2Fbedrock%3D1&RoleSessionName=a%2Bb%3Dc%2Cd.e%40f_g-h&Version=2011-06-15"
        },
        { new(Role, "s1", ""), "Action=AssumeRole&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=s1&Version=2011-06-15" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Sends_the_query_api_form(AssumeRoleRequest request, string form)
    {
        var sts = new RecordedSts().Answer(200, StsResponseTests.Success);
        using var client = sts.Client();

        await client.AssumeRoleAsync(request, TestContext.Current.CancellationToken);

        var (sent, body) = Assert.Single(sts.Requests);
        Assert.Equal((HttpMethod.Post, "https://sts.us-east-1.amazonaws.com/", form), (sent.Method, sent.RequestUri!.AbsoluteUri, body));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", sent.Content!.Headers.ContentType!.ToString());
    }

    [Theory]
    [InlineData(null, "AKIDEXAMPLE/20250102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=bb67fb67823dd5fcbcca7b4bd568b14ca7d9c9b2c71b0f7448e9f1e50a6bbe04")]
    [InlineData("the-session-token", "AKIDEXAMPLE/20250102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=d5d6b7f275fe876cfa9949a949990bfb597ae2e217291242984379ee0ffd3a81")]
    public async Task Signs_at_the_injected_clocks_time_as_botocore_does(string? token, string authorization)
    {
        // Expected values: botocore's SigV4Auth("sts", "us-east-1") on the same request at 2025-01-02T03:04:05Z, an
        // implementation we do not share; the SDK alone would sign at the system clock's time.
        var sts = new RecordedSts().Answer(200, StsResponseTests.Success);
        using var client = sts.Client(caller: new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token));

        await client.AssumeRoleAsync(new(Role, "bedrock-nova-proxy", "acme-7f3a"), TestContext.Current.CancellationToken);

        var (sent, _) = Assert.Single(sts.Requests);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=" + authorization, sent.Headers.NonValidated["Authorization"].ToString());
        Assert.Equal("20250102T030405Z", sent.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(token is null ? [] : [token], sent.Headers.TryGetValues("X-Amz-Security-Token", out var tokens) ? tokens : []);
    }
}

public class StsResponseTests
{
    internal const string Success = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <SourceIdentity>DevUser123</SourceIdentity>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::444455556666:assumed-role/bedrock-access/bedrock-nova-proxy</Arn>
              <AssumedRoleId>ARO123EXAMPLE123:bedrock-nova-proxy</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==</SessionToken>
              <Expiration>2019-11-09T13:34:41Z</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata>
            <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
          </ResponseMetadata>
        </AssumeRoleResponse>
        """;

    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    /// <summary>One AssumeRole call answered with <paramref name="status"/> and <paramref name="body"/>.</summary>
    private static async Task<AssumedRoleCredentials> AssumeAsync(string body, int status = 200)
    {
        using var client = new RecordedSts().Answer(status, body).Client();
        return await client.AssumeRoleAsync(new(Role, "bedrock-nova-proxy"), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Reads_the_credentials_of_an_assume_role_response()
    {
        var credentials = await AssumeAsync(Success);

        Assert.Equal("ASIAIOSFODNN7EXAMPLE", credentials.AccessKeyId);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", credentials.SecretAccessKey);
        Assert.StartsWith("AQoDYXdzEPT//////////wEXAMPLE", credentials.SessionToken);
        Assert.Equal(new DateTimeOffset(2019, 11, 9, 13, 34, 41, TimeSpan.Zero), credentials.Expiration);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/bedrock-access/bedrock-nova-proxy", credentials.AssumedRoleArn);
        Assert.True(credentials.ToImmutable().UseToken);
    }

    [Fact]
    public async Task Never_prints_the_secret_or_the_token()
    {
        var text = (await AssumeAsync(Success)).ToString();

        Assert.DoesNotContain("wJalrXUtnFEMI", text);
        Assert.DoesNotContain("AQoDYXdzEPT", text);
        Assert.Contains("2019-11-09T13:34:41", text);
    }

    public static TheoryData<string, string> Expirations => new()
    {
        { "2011-07-15T23:28:33.359Z", "2011-07-15T23:28:33.3590000+00:00" },
        { "2026-07-07T01:49:53Z", "2026-07-07T01:49:53.0000000+00:00" },
        { "2026-07-07T03:49:53+02:00", "2026-07-07T01:49:53.0000000+00:00" },
        { "2026-07-07T01:49:53", "2026-07-07T01:49:53.0000000+00:00" },
    };

    [Theory]
    [MemberData(nameof(Expirations))]
    public async Task Expirations_are_iso_8601_in_utc(string expiration, string utc)
    {
        var xml = Success.Replace("2019-11-09T13:34:41Z", expiration, StringComparison.Ordinal);
        Assert.Equal(utc, (await AssumeAsync(xml)).Expiration.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A 200 that is not what STS sends -> the start of the reason after "answered 200 with an unreadable response: ".</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "", "Root element is missing." },
        { "<AssumeRoleResponse><AssumeRoleResult>", "Unexpected end of file" },
        { "{\"Credentials\":{}}", "Data at the root level is invalid." },
        { "<AssumeRoleResponse/>", "The AssumeRole response has no Credentials." },
        { "<AssumeRoleResponse><AssumeRoleResult><Credentials><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>", "The AssumeRole response has no Credentials/AccessKeyId." },
        { Success.Replace("<SessionToken>", "<SessionTokenX>", StringComparison.Ordinal).Replace("</SessionToken>", "</SessionTokenX>", StringComparison.Ordinal), "The AssumeRole response has no Credentials/SessionToken." },
        { Success.Replace("<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>", "<SecretAccessKey> </SecretAccessKey>", StringComparison.Ordinal), "The AssumeRole response has no Credentials/SecretAccessKey." },
        { Success.Replace("<Expiration>2019-11-09T13:34:41Z</Expiration>", "", StringComparison.Ordinal), "The AssumeRole response has no Credentials/Expiration." },
        { Success.Replace("2019-11-09T13:34:41Z", "tomorrow", StringComparison.Ordinal), "The string 'tomorrow' was not recognized as a valid DateTime." },
        // Credentials outside AssumeRoleResult are not AssumeRole's answer.
        { "<AssumeRoleResponse><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleResponse>", "The AssumeRole response has no Credentials." },
        // A DTD is not processed (the SDK's reader ignores it), so its entities give nothing.
        { "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><AssumeRoleResponse>&b;</AssumeRoleResponse>", "The AssumeRole response has no Credentials." },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Refuses_what_is_not_an_assume_role_response(string xml, string reason)
    {
        var error = await Assert.ThrowsAsync<AssumeRoleException>(() => AssumeAsync(xml));

        Assert.StartsWith($"The proxy could not assume the role {Role}: AWS STS (sts.us-east-1.amazonaws.com) answered 200 with an unreadable response: {reason}", error.Message);
        Assert.Equal((false, null), (error.Transient, error.Error));
    }

    /// <summary>status, body -> code, message, request id, transient. STS's XML gives the code, the message and the
    /// request id (else the x-amzn-RequestId header's).</summary>
    public static TheoryData<int, string, string, string, string?, bool> Errors => new()
    {
        {
            403, """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>AccessDenied</Code>
                    <Message>User: arn:aws:sts::111122223333:assumed-role/proxy/i-1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/bedrock-access</Message>
                  </Error>
                  <RequestId>4d9f1f0f-6a3c-4f5e-9d0e-123456789abc</RequestId>
                </ErrorResponse>
                """,
            "AccessDenied",
            "User: arn:aws:sts::111122223333:assumed-role/proxy/i-1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/bedrock-access",
            "4d9f1f0f-6a3c-4f5e-9d0e-123456789abc", false
        },
        {
            403, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r1</RequestId></ErrorResponse>",
            "InvalidClientTokenId", "The security token included in the request is invalid.", "r1", false
        },
        {
            403, "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>",
            "ExpiredToken", "The security token included in the request is expired", "header-id", false
        },
        {
            403, "<ErrorResponse><Error><Code>RegionDisabledException</Code><Message>STS is not activated in this region for account:444455556666.</Message></Error></ErrorResponse>",
            "RegionDisabledException", "STS is not activated in this region for account:444455556666.", "header-id", false
        },
        {
            400, "<ErrorResponse><Error><Code>ValidationError</Code><Message>The requested DurationSeconds exceeds the MaxSessionDuration set for this role.</Message></Error></ErrorResponse>",
            "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", "header-id", false
        },
        { 400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>", "Throttling", "Rate exceeded", "header-id", true },
        { 500, "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>An internal error occurred.</Message></Error></ErrorResponse>", "InternalFailure", "An internal error occurred.", "header-id", true },
        // Not STS's XML (a load balancer's or a proxy's page): the status and its standard reason phrase, not the page.
        { 503, "<html><body>Service Unavailable</body></html>", "Http503", "Service Unavailable", "header-id", true },
        { 502, "", "Http502", "Bad Gateway", "header-id", true },
        { 403, "Forbidden by a corporate proxy", "Http403", "Forbidden", "header-id", false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Reads_sts_errors(int status, string body, string code, string message, string? requestId, bool transient)
    {
        var sts = new RecordedSts().Answer(status, body);
        using var client = sts.Client();

        var error = await Assert.ThrowsAsync<AssumeRoleException>(() => client.AssumeRoleAsync(new(Role, "bedrock-nova-proxy"), TestContext.Current.CancellationToken));

        Assert.Equal((status, code, message, requestId, transient), (error.Error!.Status, error.Error.Code, error.Error.Message, error.Error.RequestId, error.Error.Transient));
        Assert.Equal(transient, error.Transient);
        // One request: the SDK does not retry; the credential source decides when STS is asked again.
        Assert.Single(sts.Requests);
    }

    [Theory]
    [InlineData(false, 502, "assume_role_failed", false)]
    [InlineData(true, 503, "assume_role_unavailable", true)]
    public void Failures_to_assume_the_role_are_502_or_503_naming_the_role(bool transient, int status, string code, bool retryAfter)
    {
        var stsError = new StsError(transient ? 500 : 403, transient ? "InternalFailure" : "AccessDenied", "the reason", "r1");
        var error = ErrorTranslator.FromAssumeRole(AssumeRoleException.From("arn:aws:iam::444455556666:role/bedrock-access", stsError));

        Assert.Equal((status, "server_error", code, retryAfter), (error.Status, error.Type, error.Code, error.RetryAfter is not null));
        Assert.Equal($"The proxy could not assume the role arn:aws:iam::444455556666:role/bedrock-access: AWS STS answered {stsError.Code} (HTTP {stsError.Status}): the reason", error.Message);
    }
}
