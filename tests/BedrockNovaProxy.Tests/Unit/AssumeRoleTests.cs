using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Bedrock.Sts;
using BedrockNovaProxy.Translation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.Unit;

public class AssumeRoleRequestTests
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    public static TheoryData<AssumeRoleRequest, string> Forms => new()
    {
        {
            new(Role, "bedrock-nova-proxy"),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=bedrock-nova-proxy&DurationSeconds=3600"
        },
        {
            new(Role, "bedrock-nova-proxy", "acme-7f3a"),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=bedrock-nova-proxy&DurationSeconds=3600&ExternalId=acme-7f3a"
        },
        {
            // Every character IAM allows in names and external ids that a form must escape.
            new("arn:aws-cn:iam::444455556666:role/ai/team+a/bedrock=1", "a+b=c,d.e@f_g-h", "x/y:z+=,.@-", 900),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws-cn%3Aiam%3A%3A444455556666%3Arole%2Fai%2Fteam%2Ba%2Fbedrock%3D1&RoleSessionName=a%2Bb%3Dc%2Cd.e%40f_g-h&DurationSeconds=900&ExternalId=x%2Fy%3Az%2B%3D%2C.%40-"
        },
        { new(Role, "s1", ""), "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=s1&DurationSeconds=3600" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Builds_the_query_api_form(AssumeRoleRequest request, string form)
    {
        Assert.Equal(form, request.ToForm());
        Assert.Equal(Encoding.UTF8.GetBytes(form), request.ToBody());
    }

    [Theory]
    [InlineData(null, "AKIDEXAMPLE/20250102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=bd3cb117ef696fea782b01287559f84d00ebd830f094cdbfdce22dc1fb59248d")]
    [InlineData("the-session-token", "AKIDEXAMPLE/20250102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=2add49247709085d068ad10cf7e178b1bb9f6c59ddbbbbd9de10d1b381e11aac")]
    public void Signs_for_sts_as_botocore_does(string? token, string authorization)
    {
        // Expected values: botocore's SigV4Auth("sts", "us-east-1") on the same request, an implementation we do not share.
        var signer = new SigV4Signer(new Uri("https://sts.us-east-1.amazonaws.com"), "us-east-1", SigV4Signer.StsSigningName);
        var request = new AssumeRoleRequest("arn:aws:iam::444455556666:role/bedrock-access", "bedrock-nova-proxy", "acme-7f3a");

        var signed = signer.Sign("/", null, request.ToBody(), AssumeRoleRequest.ContentType,
            new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token), new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        Assert.Equal("https://sts.us-east-1.amazonaws.com/", signed.Uri.AbsoluteUri);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=" + authorization, signed.Headers["Authorization"]);
        Assert.Equal(AssumeRoleRequest.ContentType, signed.Headers["Content-Type"]);
    }
}

public class StsResponseTests
{
    private static byte[] Xml(string xml) => Encoding.UTF8.GetBytes(xml);

    private const string Success = """
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

    [Fact]
    public void Reads_the_credentials_of_an_assume_role_response()
    {
        var credentials = StsResponses.ParseAssumeRole(Xml(Success));

        Assert.Equal("ASIAIOSFODNN7EXAMPLE", credentials.AccessKeyId);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", credentials.SecretAccessKey);
        Assert.StartsWith("AQoDYXdzEPT//////////wEXAMPLE", credentials.SessionToken);
        Assert.Equal(new DateTimeOffset(2019, 11, 9, 13, 34, 41, TimeSpan.Zero), credentials.Expiration);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/bedrock-access/bedrock-nova-proxy", credentials.AssumedRoleArn);
        Assert.True(credentials.ToImmutable().UseToken);
    }

    [Fact]
    public void Never_prints_the_secret_or_the_token()
    {
        var text = StsResponses.ParseAssumeRole(Xml(Success)).ToString();

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
    public void Expirations_are_iso_8601_in_utc(string expiration, string utc)
    {
        var xml = Success.Replace("2019-11-09T13:34:41Z", expiration, StringComparison.Ordinal);
        Assert.Equal(utc, StsResponses.ParseAssumeRole(Xml(xml)).Expiration.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A response that is not what STS sends -> the FormatException's message.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "", "Not well-formed XML" },
        { "<AssumeRoleResponse><AssumeRoleResult>", "Not well-formed XML" },
        { "{\"Credentials\":{}}", "Not well-formed XML" },
        { "<AssumeRoleResponse/>", "The AssumeRole response has no Credentials/Expiration." },
        { "<AssumeRoleResponse><AssumeRoleResult><Credentials><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>", "The AssumeRole response has no Credentials/AccessKeyId." },
        { Success.Replace("<SessionToken>", "<SessionTokenX>", StringComparison.Ordinal).Replace("</SessionToken>", "</SessionTokenX>", StringComparison.Ordinal), "The AssumeRole response has no Credentials/SessionToken." },
        { Success.Replace("<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>", "<SecretAccessKey> </SecretAccessKey>", StringComparison.Ordinal), "The AssumeRole response has no Credentials/SecretAccessKey." },
        { Success.Replace("2019-11-09T13:34:41Z", "tomorrow", StringComparison.Ordinal), "The AssumeRole response's Credentials/Expiration 'tomorrow' is not an ISO 8601 time." },
        // Credentials outside AssumeRoleResult are not AssumeRole's answer.
        { "<AssumeRoleResponse><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleResponse>", "The AssumeRole response has no Credentials/Expiration." },
        // A DTD (entity expansion, external entities) is refused outright.
        { "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><AssumeRoleResponse>&b;</AssumeRoleResponse>", "Not well-formed XML" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Refuses_what_is_not_an_assume_role_response(string xml, string message)
    {
        var error = Assert.Throws<FormatException>(() => StsResponses.ParseAssumeRole(Xml(xml)));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Refuses_a_response_past_the_size_limit()
    {
        var padded = Success.Replace("<PackedPolicySize>", "<Padding>" + new string('x', StsResponses.MaxResponseBytes) + "</Padding><PackedPolicySize>", StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => StsResponses.ParseAssumeRole(Xml(padded)));
    }

    /// <summary>status, body, reason phrase -> code, message, request id, transient.</summary>
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
        // Not STS's XML (a load balancer's or a proxy's page): the status and its reason phrase.
        { 503, "<html><body>Service Unavailable</body></html>", "Http503", "the reason phrase", "header-id", true },
        { 502, "", "Http502", "the reason phrase", "header-id", true },
        { 403, "Forbidden by a corporate proxy", "Http403", "the reason phrase", "header-id", false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Reads_sts_errors(int status, string body, string code, string message, string? requestId, bool transient)
    {
        var error = StsResponses.ParseError(status, Xml(body), "the reason phrase", "header-id");

        Assert.Equal((status, code, message, requestId, transient), (error.Status, error.Code, error.Message, error.RequestId, error.Transient));
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

public class AssumeRoleCredentialSourceTests
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A scripted STS: each call takes the next answer (credentials valid for an hour from "now", or an error),
    /// optionally held until the test releases it.</summary>
    private sealed class ScriptedSts(FakeTimeProvider clock)
    {
        private readonly Queue<Func<Task<AssumedRoleCredentials>>> _answers = new();

        public int Calls { get; private set; }

        public List<CancellationToken> Tokens { get; } = [];

        public void Issue(TimeSpan? lifetime = null) => _answers.Enqueue(() => Task.FromResult(Credentials(lifetime ?? TimeSpan.FromHours(1))));

        public void Fail(bool transient = false) => _answers.Enqueue(() => Task.FromException<AssumedRoleCredentials>(
            AssumeRoleException.From(Role, new StsError(transient ? 500 : 403, transient ? "InternalFailure" : "AccessDenied", "no", null))));

        public TaskCompletionSource<AssumedRoleCredentials> Hold()
        {
            var held = new TaskCompletionSource<AssumedRoleCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
            _answers.Enqueue(() => held.Task);
            return held;
        }

        public AssumedRoleCredentials Credentials(TimeSpan lifetime) =>
            new($"ASIA{Calls:D16}", "secret-" + Calls, "token-" + Calls, clock.GetUtcNow() + lifetime, null);

        public Task<AssumedRoleCredentials> CallAsync(CancellationToken ct)
        {
            Calls++;
            Tokens.Add(ct);
            return _answers.Dequeue()();
        }
    }

    private static (AssumeRoleCredentialSource Source, ScriptedSts Sts, FakeTimeProvider Clock) Create()
    {
        var clock = new FakeTimeProvider(Start);
        var sts = new ScriptedSts(clock);
        return (new AssumeRoleCredentialSource(Role, sts.CallAsync, clock, NullLogger<AssumeRoleCredentialSource>.Instance), sts, clock);
    }

    private static async Task<string> KeyAsync(IAwsCredentialSource source) => (await source.GetAsync(TestContext.Current.CancellationToken)).AccessKey;

    [Fact]
    public async Task Caches_the_credentials_until_five_minutes_before_they_expire()
    {
        var (source, sts, clock) = Create();
        sts.Issue();
        sts.Issue();

        var first = await KeyAsync(source);
        clock.Advance(TimeSpan.FromMinutes(54));
        var cached = await KeyAsync(source);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var refreshed = await KeyAsync(source);
        var again = await KeyAsync(source);

        Assert.Equal(first, cached);
        Assert.NotEqual(first, refreshed);
        Assert.Equal(refreshed, again);
        Assert.Equal(2, sts.Calls);
        Assert.Equal("token-2", (await source.GetAsync(TestContext.Current.CancellationToken)).Token);
    }

    [Fact]
    public async Task Refreshes_a_short_session_half_way_through()
    {
        var (source, sts, clock) = Create();
        sts.Issue(TimeSpan.FromMinutes(6));
        sts.Issue();

        await KeyAsync(source);
        clock.Advance(TimeSpan.FromMinutes(2.9));
        await KeyAsync(source);
        Assert.Equal(1, sts.Calls);
        clock.Advance(TimeSpan.FromMinutes(0.2));
        await KeyAsync(source);
        Assert.Equal(2, sts.Calls);
    }

    [Fact]
    public async Task Only_one_call_is_in_flight_however_many_requests_wait()
    {
        var (source, sts, _) = Create();
        var held = sts.Hold();

        var waiting = Enumerable.Range(0, 20).Select(_ => source.GetAsync(TestContext.Current.CancellationToken).AsTask()).ToList();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        held.SetResult(sts.Credentials(TimeSpan.FromHours(1)));
        var keys = await Task.WhenAll(waiting);

        Assert.Equal(1, sts.Calls);
        Assert.Single(keys.Select(k => k.AccessKey).Distinct());
    }

    [Fact]
    public async Task A_waiting_request_that_leaves_does_not_cancel_the_refresh_for_the_others()
    {
        var (source, sts, _) = Create();
        var held = sts.Hold();
        using var leaving = new CancellationTokenSource();

        var first = source.GetAsync(leaving.Token).AsTask();
        var second = source.GetAsync(TestContext.Current.CancellationToken).AsTask();
        await leaving.CancelAsync();
        held.SetResult(sts.Credentials(TimeSpan.FromHours(1)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal("ASIA0000000000000001", (await second).AccessKey);
        Assert.False(sts.Tokens.Single().IsCancellationRequested);
    }

    [Fact]
    public async Task Keeps_using_credentials_that_still_work_when_a_refresh_fails()
    {
        var (source, sts, clock) = Create();
        sts.Issue();
        sts.Fail(transient: true);
        sts.Issue();

        var first = await KeyAsync(source);
        clock.Advance(TimeSpan.FromMinutes(56));
        var stillFirst = await KeyAsync(source);
        var heldOff = await KeyAsync(source);
        clock.Advance(AssumeRoleCredentialSource.FailureHoldOff);
        var refreshed = await KeyAsync(source);

        Assert.Equal((first, first), (stillFirst, heldOff));
        Assert.NotEqual(first, refreshed);
        Assert.Equal(3, sts.Calls);
    }

    [Fact]
    public async Task Fails_once_the_credentials_have_expired_and_asks_again_only_after_the_hold_off()
    {
        var (source, sts, clock) = Create();
        sts.Fail();
        sts.Issue();

        var refused = await Assert.ThrowsAsync<AssumeRoleException>(() => KeyAsync(source));
        var again = await Assert.ThrowsAsync<AssumeRoleException>(() => KeyAsync(source));
        Assert.Same(refused, again);
        Assert.Equal(1, sts.Calls);
        Assert.False(refused.Transient);
        Assert.Contains(Role, refused.Message);

        clock.Advance(AssumeRoleCredentialSource.FailureHoldOff);
        Assert.Equal("ASIA0000000000000002", await KeyAsync(source));
    }

    [Fact]
    public async Task Credentials_past_their_margin_are_not_used_even_if_a_refresh_fails()
    {
        var (source, sts, clock) = Create();
        sts.Issue();
        sts.Fail(transient: true);

        await KeyAsync(source);
        clock.Advance(TimeSpan.FromHours(1) - AssumeRoleCredentialSource.ExpiryMargin);

        var error = await Assert.ThrowsAsync<AssumeRoleException>(() => KeyAsync(source));
        Assert.True(error.Transient);
    }

    [Fact]
    public async Task An_sts_that_does_not_answer_times_out_as_a_transient_failure()
    {
        var (source, sts, clock) = Create();
        sts.Hold();

        var waiting = source.GetAsync(TestContext.Current.CancellationToken).AsTask();
        clock.Advance(AssumeRoleCredentialSource.CallTimeout);

        var error = await Assert.ThrowsAsync<AssumeRoleException>(() => waiting);
        Assert.True(error.Transient);
        Assert.Equal($"The proxy could not assume the role {Role}: AWS STS did not answer within 10 s.", error.Message);
        Assert.True(sts.Tokens.Single().IsCancellationRequested);
    }

    [Fact]
    public async Task Credentials_that_arrive_already_expired_are_refused_with_a_hint_about_the_clock()
    {
        var (source, sts, _) = Create();
        sts.Issue(TimeSpan.FromSeconds(-5));

        var error = await Assert.ThrowsAsync<AssumeRoleException>(() => KeyAsync(source));

        Assert.Contains("check the clock", error.Message);
        Assert.False(error.Transient);
    }

    [Fact]
    public async Task The_callers_own_credential_errors_pass_through_unchanged()
    {
        var clock = new FakeTimeProvider(Start);
        var source = new AssumeRoleCredentialSource(Role, _ => throw new AmazonClientException("No credentials in the chain."), clock, NullLogger<AssumeRoleCredentialSource>.Instance);

        var error = await Assert.ThrowsAsync<AmazonClientException>(() => KeyAsync(source));
        Assert.Equal("No credentials in the chain.", error.Message);
    }
}

public class AssumeRoleConfigurationTests
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";

    private static (BedrockNovaProxy.Configuration.ProxyConfiguration? Result, List<string> Errors) Validate(Dictionary<string, string?> settings) =>
        ProxyConfigurationTests.Validate(settings);

    /// <summary>settings -> STS endpoint and signing Region.</summary>
    public static TheoryData<Dictionary<string, string?>, string, string> Endpoints => new()
    {
        { new() { ["AWS_REGION"] = "eu-west-1" }, "https://sts.eu-west-1.amazonaws.com/", "eu-west-1" },
        { new() { ["AWS_REGION"] = "cn-north-1" }, "https://sts.cn-north-1.amazonaws.com.cn/", "cn-north-1" },
        { new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1" }, "http://127.0.0.1:1/", "us-east-1" },
        { new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1", ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:2" }, "http://127.0.0.1:2/", "us-east-1" },
        { new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:2", ["Proxy:Bedrock:StsEndpoint"] = "https://sts-fips.us-east-1.amazonaws.com" }, "https://sts-fips.us-east-1.amazonaws.com/", "us-east-1" },
        // The global endpoint is signed for us-east-1 whatever the proxy's Region.
        { new() { ["AWS_REGION"] = "eu-central-1", ["Proxy:Bedrock:StsEndpoint"] = "https://sts.amazonaws.com" }, "https://sts.amazonaws.com/", "us-east-1" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Resolves_the_sts_endpoint_like_the_aws_sdks(Dictionary<string, string?> settings, string endpoint, string signingRegion)
    {
        settings["Proxy:Bedrock:AssumeRoleArn"] = Role;
        var (result, errors) = Validate(settings);

        Assert.Empty(errors);
        Assert.Equal((Role, "bedrock-nova-proxy", null, endpoint, signingRegion),
            (result!.AssumeRole!.RoleArn, result.AssumeRole.SessionName, result.AssumeRole.ExternalId, result.AssumeRole.StsEndpoint.ToString(), result.AssumeRole.SigningRegion));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_role_means_the_proxy_signs_as_itself(string? arn)
    {
        var (result, errors) = Validate(new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Bedrock:AssumeRoleArn"] = arn, ["AWS_ENDPOINT_URL_STS"] = "not a url" });
        Assert.Empty(errors);
        Assert.Null(result!.AssumeRole);
    }

    [Theory]
    [InlineData("arn:aws:iam::444455556666:role/bedrock-access")]
    [InlineData("arn:aws:iam::444455556666:role/ai/platform/bedrock+access=1,v.2@x_y-z")]
    [InlineData("arn:aws-cn:iam::444455556666:role/bedrock")]
    [InlineData("arn:aws-us-gov:iam::444455556666:role/bedrock")]
    [InlineData("arn:aws-iso-b:iam::444455556666:role/bedrock")]
    public void Accepts_role_arns_of_every_partition_with_paths(string arn)
    {
        var (result, errors) = Validate(new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Bedrock:AssumeRoleArn"] = arn, ["Proxy:Bedrock:AssumeRoleSessionName"] = "acme-prod", ["Proxy:Bedrock:AssumeRoleExternalId"] = "acme:7f3a/prod" });
        Assert.Empty(errors);
        Assert.Equal((arn, "acme-prod", "acme:7f3a/prod"), (result!.AssumeRole!.RoleArn, result.AssumeRole.SessionName, result.AssumeRole.ExternalId));
    }

    /// <summary>settings -> the one problem listed.</summary>
    public static TheoryData<Dictionary<string, string?>, string> Invalid => new()
    {
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "bedrock-access" }, "Proxy:Bedrock:AssumeRoleArn: 'bedrock-access' is not an IAM role ARN (like arn:aws:iam::123456789012:role/bedrock-access)." },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "arn:aws:iam::4444:role/x" }, "Proxy:Bedrock:AssumeRoleArn: 'arn:aws:iam::4444:role/x' is not an IAM role ARN" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "arn:aws:iam::444455556666:user/bob" }, "Proxy:Bedrock:AssumeRoleArn: 'arn:aws:iam::444455556666:user/bob' is not an IAM role ARN" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "arn:aws:sts::444455556666:assumed-role/x/y" }, "is not an IAM role ARN" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "arn:aws:iam::444455556666:role/" + new string('r', 65) }, "is not an IAM role ARN" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = "arn:aws:iam::444455556666:role/has space" }, "is not an IAM role ARN" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:AssumeRoleSessionName"] = "has space" }, "Proxy:Bedrock:AssumeRoleSessionName: 'has space' must be 2 to 64 letters, digits or any of _+=,.@- (STS's RoleSessionName)." },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:AssumeRoleSessionName"] = "a" }, "Proxy:Bedrock:AssumeRoleSessionName: 'a' must be 2 to 64" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:AssumeRoleSessionName"] = new string('s', 65) }, "must be 2 to 64" },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:AssumeRoleExternalId"] = "x" }, "Proxy:Bedrock:AssumeRoleExternalId must be 2 to 1224 letters, digits or any of _+=,.@:/- (STS's ExternalId)." },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:AssumeRoleExternalId"] = "secret value" }, "Proxy:Bedrock:AssumeRoleExternalId must be 2 to 1224" },
        { new() { ["Proxy:Bedrock:AssumeRoleExternalId"] = "acme-7f3a" }, "Proxy:Bedrock:AssumeRoleExternalId is set but Proxy:Bedrock:AssumeRoleArn is not: an external ID is only sent when assuming a role." },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["Proxy:Bedrock:StsEndpoint"] = "sts.local:4566" }, "Proxy:Bedrock:StsEndpoint / AWS_ENDPOINT_URL_STS: 'sts.local:4566' is not an absolute http(s) URL." },
        { new() { ["Proxy:Bedrock:AssumeRoleArn"] = Role, ["AWS_ENDPOINT_URL_STS"] = "ftp://sts.local" }, "Proxy:Bedrock:StsEndpoint / AWS_ENDPOINT_URL_STS: 'ftp://sts.local' is not an absolute http(s) URL." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_a_malformed_role_configuration_naming_the_key(Dictionary<string, string?> settings, string message)
    {
        settings["AWS_REGION"] = "us-east-1";
        var (result, errors) = Validate(settings);

        Assert.Null(result);
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("secret value", StringComparison.Ordinal));
    }

    [Fact]
    public void Role_problems_are_listed_with_the_others()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxy:Bedrock:AssumeRoleArn"] = "not-an-arn",
            ["Proxy:Limits:MaxRequestBodyBytes"] = "1",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => BedrockNovaProxy.Configuration.ProxyConfiguration.Load(configuration));

        Assert.Contains("No AWS Region", error.Message);
        Assert.Contains("Proxy:Bedrock:AssumeRoleArn: 'not-an-arn' is not an IAM role ARN", error.Message);
        Assert.Contains("MaxRequestBodyBytes", error.Message);
    }
}
