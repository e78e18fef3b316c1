using System.Net;
using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using BedrockNovaProxy.Emulators.Bedrock.Sts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProxySts = BedrockNovaProxy.Bedrock.Sts;
using ServiceSigner = BedrockNovaProxy.Aws.SigV4Signer;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

public class StsQueryTests
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";
    private static readonly StsOptions Options = new() { DeniedRoleArns = ["arn:aws:iam::444455556666:role/denied"] };
    private static readonly SigningIdentity Session = new("ASIAEXAMPLE", "s", "arn:aws:sts::111122223333:assumed-role/proxy/p", "token", DateTimeOffset.MaxValue);

    private static Dictionary<string, string> Form(string extra = "") =>
        StsQuery.ParseForm("Action=AssumeRole&Version=2011-06-15&RoleArn=" + Uri.EscapeDataString(Role) + "&RoleSessionName=proxy" + extra);

    [Theory]
    [InlineData("a=1&b=x%2By+z&c=&d", "a=1|b=x+y z|c=|d=")]
    [InlineData("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&Action=AssumeRole", "RoleArn=arn:aws:iam::1:role/r|Action=AssumeRole")]
    [InlineData("", "")]
    [InlineData("x=%E2%82%AC&&y=2", "x=€|y=2")]
    public void Parses_form_bodies(string form, string expected) =>
        Assert.Equal(expected, string.Join('|', StsQuery.ParseForm(form).Select(kv => kv.Key + "=" + kv.Value)));

    [Fact]
    public void Grants_a_session_on_the_assumed_role()
    {
        var grant = StsQuery.AssumeRole(Form("&ExternalId=acme-7f3a&DurationSeconds=900"), SigningIdentity.Local, Options);

        Assert.Equal(new StsGrant(Role, "proxy", "acme-7f3a", TimeSpan.FromMinutes(15),
            "arn:aws:sts::444455556666:assumed-role/bedrock-access/proxy", LocalCredentials.PrincipalArn), grant);
        Assert.Equal(TimeSpan.FromHours(1), StsQuery.AssumeRole(Form(), SigningIdentity.Local, Options).Duration);
        Assert.Equal("arn:aws-cn:sts::444455556666:assumed-role/r/proxy",
            StsQuery.AssumeRole(StsQuery.ParseForm("RoleArn=arn:aws-cn:iam::444455556666:role/team/a/r&RoleSessionName=proxy"), null, Options).AssumedRoleArn);
    }

    /// <summary>Form (after Action, Version, RoleArn and RoleSessionName=proxy unless replaced) and caller -> error code and message.</summary>
    public static TheoryData<string, bool, string, HttpStatusCode, string> Refusals => new()
    {
        { "Action=AssumeRole&Version=2011-06-15", false, "ValidationError", HttpStatusCode.BadRequest,
            "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null" },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=has%20space", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*" },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fbedrock-access&RoleSessionName=p", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value 'p' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2" },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=short&RoleSessionName=proxy", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20" },
        { "&DurationSeconds=600", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900" },
        { "&DurationSeconds=50000", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200" },
        { "&ExternalId=a%20b", false, "ValidationError", HttpStatusCode.BadRequest,
            "1 validation error detected: Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*" },
        { "&DurationSeconds=7200", false, "ValidationError", HttpStatusCode.BadRequest, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." },
        { "&DurationSeconds=5400", true, "ValidationError", HttpStatusCode.BadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Auser%2Fbob&RoleSessionName=proxy", false, "ValidationError", HttpStatusCode.BadRequest,
            "arn:aws:iam::444455556666:user/bob is invalid" },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fdenied&RoleSessionName=proxy", false, "AccessDenied", HttpStatusCode.Forbidden,
            "User: arn:aws:iam::111122223333:user/bnp-local is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/denied" },
        { "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fdenied&RoleSessionName=proxy", true, "AccessDenied", HttpStatusCode.Forbidden,
            "User: arn:aws:sts::111122223333:assumed-role/proxy/p is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/denied" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses_as_sts_does(string form, bool chained, string code, HttpStatusCode status, string message)
    {
        var parameters = form.StartsWith('&') ? Form(form) : StsQuery.ParseForm(form);

        var error = Assert.Throws<StsErrorException>(() => StsQuery.AssumeRole(parameters, chained ? Session : SigningIdentity.Local, Options)).Error;

        Assert.Equal((code, status, message), (error.Code, error.Status, error.Message));
    }

    [Theory]
    [InlineData("Version=2011-06-15", "MissingAction", "Missing Action")]
    [InlineData("Action=AssumeRole", "InvalidAction", "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED")]
    [InlineData("Action=AssumeRole&Version=2012-01-01", "InvalidAction", "Could not find operation AssumeRole for version 2012-01-01")]
    [InlineData("Action=GetSessionToken&Version=2011-06-15", "InvalidAction", "Could not find operation GetSessionToken for version 2011-06-15")]
    public void Answers_only_the_operations_it_knows(string form, string code, string message)
    {
        var error = Assert.Throws<StsErrorException>(() => StsQuery.Operation(StsQuery.ParseForm(form))).Error;
        Assert.Equal((code, HttpStatusCode.BadRequest, message), (error.Code, error.Status, error.Message));
    }

    [Fact]
    public void Issues_sessions_that_expire_on_whole_seconds_and_never_print_their_secrets()
    {
        // What the proxy's STS client (AWS's SDK) reads from these sessions is judged over HTTP in StsEndpointTests.
        var sessions = new StsSessions();
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, 500, TimeSpan.Zero);
        var session = sessions.Issue(StsQuery.AssumeRole(Form(), SigningIdentity.Local, Options), now);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero), session.Expiration);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/bedrock-access/proxy", session.AssumedRoleArn);
        Assert.Contains("<Expiration>2026-11-25T11:00:00Z</Expiration>", StsQuery.AssumeRoleResponse(session, "r1"), StringComparison.Ordinal);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", session.AccessKeyId);
        Assert.DoesNotContain(session.SecretAccessKey, session.ToString());
        Assert.DoesNotContain(session.SessionToken, session.ToString());
    }

    [Theory]
    [InlineData(AuthFailureKind.MissingToken, "MissingAuthenticationToken", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    [InlineData(AuthFailureKind.IncompleteSignature, "IncompleteSignature", HttpStatusCode.BadRequest, "IncompleteSignatureException")]
    [InlineData(AuthFailureKind.UnknownKey, "InvalidClientTokenId", HttpStatusCode.Forbidden, "UnrecognizedClientException")]
    [InlineData(AuthFailureKind.InvalidSignature, "SignatureDoesNotMatch", HttpStatusCode.Forbidden, "InvalidSignatureException")]
    [InlineData(AuthFailureKind.ExpiredToken, "ExpiredToken", HttpStatusCode.Forbidden, "ExpiredTokenException")]
    public void Names_authentication_failures_in_each_services_dialect(AuthFailureKind kind, string stsCode, HttpStatusCode stsStatus, string bedrockType)
    {
        var failure = new AuthFailure(kind, "m");
        Assert.Equal((stsCode, stsStatus), (StsQuery.FromAuth(failure).Code, StsQuery.FromAuth(failure).Status));
        Assert.Equal((bedrockType, HttpStatusCode.Forbidden), (SigV4Verifier.ToBedrockError(failure).Type, SigV4Verifier.ToBedrockError(failure).Status));
    }
}

public class TemporaryCredentialTests
{
    private static readonly DateTime SignedAt = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly byte[] Body = """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"""u8.ToArray();
    private static readonly SigningIdentity Temporary = new("ASIATEMPORARYKEY0001", "temporary-secret", "arn:aws:sts::444455556666:assumed-role/r/s", "the-token", SignedAt.AddHours(1));

    private static SignedRequestData Signed(string service, ImmutableCredentials credentials, string path = "/model/{modelId}/converse")
    {
        var signer = new ServiceSigner(new Uri("http://127.0.0.1:5005"), LocalCredentials.Region, service);
        var signed = signer.Sign(path, service == "sts" ? null : "amazon.nova-lite-v1:0", Body, "application/json", credentials, SignedAt);
        var headers = signed.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        headers["host"] = "127.0.0.1:5005";
        return new SignedRequestData("POST", signed.Uri.PathAndQuery, headers, Body);
    }

    private static AuthResult Authenticate(SignedRequestData request, SigV4Service service, TimeSpan? later = null) =>
        SigV4Verifier.Authenticate(request, service, LocalCredentials.Region, SignedAt + (later ?? TimeSpan.Zero), true,
            key => key == Temporary.AccessKeyId ? Temporary : SigningIdentity.LocalOnly(key));

    [Fact]
    public void Accepts_temporary_credentials_with_their_session_token()
    {
        var result = Authenticate(Signed("bedrock", new("ASIATEMPORARYKEY0001", "temporary-secret", "the-token")), SigV4Service.Bedrock);

        Assert.Null(result.Failure);
        Assert.Equal(Temporary, result.Identity);
    }

    public static TheoryData<string, Func<SignedRequestData>, TimeSpan, AuthFailureKind, string> Refusals => new()
    {
        { "no session token", () => Signed("bedrock", new("ASIATEMPORARYKEY0001", "temporary-secret", null)), TimeSpan.Zero, AuthFailureKind.UnknownKey, "The security token included in the request is invalid." },
        { "another session's token", () => Signed("bedrock", new("ASIATEMPORARYKEY0001", "temporary-secret", "not-the-token")), TimeSpan.Zero, AuthFailureKind.UnknownKey, "The security token included in the request is invalid." },
        { "an unknown temporary key", () => Signed("bedrock", new("ASIAUNKNOWNKEY000001", "temporary-secret", "the-token")), TimeSpan.Zero, AuthFailureKind.UnknownKey, "The security token included in the request is invalid." },
        { "the session's wrong secret", () => Signed("bedrock", new("ASIATEMPORARYKEY0001", "wrong", "the-token")), TimeSpan.Zero, AuthFailureKind.InvalidSignature, "The request signature we calculated does not match" },
        { "an expired session", () => Signed("bedrock", new("ASIATEMPORARYKEY0001", "temporary-secret", "the-token")), TimeSpan.FromHours(1), AuthFailureKind.ExpiredToken, "The security token included in the request is expired" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses_temporary_credentials_as_AWS_does(string name, Func<SignedRequestData> request, TimeSpan later, AuthFailureKind kind, string message)
    {
        // Signatures stay current: only the session's own expiry is in play for "an expired session".
        var failure = SigV4Verifier.Authenticate(request(), SigV4Service.Bedrock with { AllowedSkew = TimeSpan.FromDays(1) }, LocalCredentials.Region,
            SignedAt + later, true, key => key == Temporary.AccessKeyId ? Temporary : null).Failure;

        Assert.True(failure is not null, name);
        Assert.Equal(kind, failure.Kind);
        Assert.StartsWith(message, failure.Message);
    }

    [Fact]
    public void Signatures_are_scoped_to_their_service_and_sts_allows_fifteen_minutes_of_skew()
    {
        var sts = Signed("sts", new(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, null), "/");

        Assert.Null(Authenticate(sts, SigV4Service.Sts).Failure);
        Assert.Null(Authenticate(sts, SigV4Service.Sts, TimeSpan.FromMinutes(14)).Failure);
        Assert.Equal("Signature expired: 20261125T100000Z is now earlier than 20261125T100100Z (20261125T101600Z - 15 min.)",
            Authenticate(sts, SigV4Service.Sts, TimeSpan.FromMinutes(16)).Failure!.Message);
        Assert.Equal("Credential should be scoped to correct service: 'bedrock'.", Authenticate(sts, SigV4Service.Bedrock).Failure!.Message);
    }
}

/// <summary>The emulator over HTTP with the proxy's own STS client (AWS's SDK, AWSSDK.SecurityToken: its serialiser
/// and XML reader judge the emulator's wire) and Bedrock client, on one fake clock.</summary>
public sealed class StsEndpointTests : IAsyncLifetime
{
    private const string Role = "arn:aws:iam::444455556666:role/bedrock-access";
    private const string Denied = "arn:aws:iam::444455556666:role/denied";
    // Half a second past: STS writes Expiration in whole seconds.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 500, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private WebApplication _emulator = null!;

    private static readonly ImmutableCredentials Local = new(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, null);

    public async ValueTask InitializeAsync()
    {
        _emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
            o => o.Sts.DeniedRoleArns.Add(Denied), s => s.AddSingleton<TimeProvider>(_clock));
        await _emulator.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private Uri Url => new(_emulator.Urls.First());

    private EmulatorStats Stats => _emulator.Services.GetRequiredService<EmulatorStats>();

    /// <summary>One AssumeRole call by the proxy's STS client, signed as <paramref name="caller"/> (the fixed local key by default).</summary>
    private async Task<ProxySts.AssumedRoleCredentials> AssumeAsync(ProxySts.AssumeRoleRequest request, ImmutableCredentials? caller = null)
    {
        caller ??= Local;
        using var sts = new ProxySts.StsClient(Url, LocalCredentials.Region, new BedrockNovaProxy.Aws.StaticAwsCredentialSource(caller.AccessKey, caller.SecretKey, caller.Token), _clock);
        return await sts.AssumeRoleAsync(request, TestContext.Current.CancellationToken);
    }

    private BedrockNovaProxy.Bedrock.BedrockRuntimeClient Bedrock(ImmutableCredentials credentials) =>
        new(_http, new ServiceSigner(Url, LocalCredentials.Region), new BedrockNovaProxy.Aws.StaticAwsCredentialSource(credentials.AccessKey, credentials.SecretKey, credentials.Token),
            _clock, TimeSpan.FromMinutes(1), System.Net.HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower);

    private static BedrockNovaProxy.Bedrock.ConverseRequest Hello => new()
    {
        Messages = [new() { Role = "user", Content = [new() { Text = "hello" }] }],
    };

    [Fact]
    public async Task Issues_credentials_that_Bedrock_accepts_until_they_expire()
    {
        var ct = TestContext.Current.CancellationToken;
        var assumed = await AssumeAsync(new(Role, "proxy", "acme-7f3a", 900));
        var session = Assert.Single(_emulator.Services.GetRequiredService<StsSessions>().Issued);

        var answer = await Bedrock(assumed.ToImmutable()).ConverseAsync("amazon.nova-lite-v1:0", Hello, ct);
        _clock.Advance(TimeSpan.FromMinutes(15));
        var expired = await Assert.ThrowsAsync<BedrockNovaProxy.Bedrock.BedrockException>(() =>
            Bedrock(assumed.ToImmutable()).ConverseAsync("amazon.nova-lite-v1:0", Hello, ct));

        Assert.Equal((session.AccessKeyId, session.SecretAccessKey, session.SessionToken), (assumed.AccessKeyId, assumed.SecretAccessKey, assumed.SessionToken));
        Assert.Equal(("acme-7f3a", "proxy", "arn:aws:sts::444455556666:assumed-role/bedrock-access/proxy"), (session.ExternalId, session.SessionName, assumed.AssumedRoleArn));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 15, 0, TimeSpan.Zero), assumed.Expiration);
        Assert.Equal("You said: hello", answer.Output!.Message!.Content[0].Text);
        Assert.Equal((403, "ExpiredTokenException", "The security token included in the request is expired"), (expired.StatusCode, expired.ErrorType, expired.BedrockMessage));
        Assert.Equal(1, Stats.RequestsByAccessKey[assumed.AccessKeyId]);
        Assert.Equal(1, Stats.AssumeRole);
    }

    [Fact]
    public async Task Refuses_the_role_it_is_told_to_refuse()
    {
        var error = await Assert.ThrowsAsync<ProxySts.AssumeRoleException>(() => AssumeAsync(new(Denied, "proxy")));

        Assert.Equal((403, "AccessDenied", false), (error.Error!.Status, error.Error.Code, error.Transient));
        Assert.Matches("^[0-9a-f-]{36}$", error.Error.RequestId);
        Assert.Equal($"The proxy could not assume the role {Denied}: AWS STS answered AccessDenied (HTTP 403): User: {LocalCredentials.PrincipalArn} is not authorized to perform: sts:AssumeRole on resource: {Denied}", error.Message);
        Assert.Equal(1, Stats.StsErrors);
        Assert.Empty(_emulator.Services.GetRequiredService<StsSessions>().Issued);
    }

    [Fact]
    public async Task Verifies_the_callers_signature_for_service_sts()
    {
        var wrongSecret = await Assert.ThrowsAsync<ProxySts.AssumeRoleException>(() =>
            AssumeAsync(new(Role, "proxy"), new ImmutableCredentials(LocalCredentials.AccessKeyId, "wrong", null)));
        var unknownKey = await Assert.ThrowsAsync<ProxySts.AssumeRoleException>(() =>
            AssumeAsync(new(Role, "proxy"), new ImmutableCredentials("AKIAUNKNOWN", "x", null)));
        // A request signed for Bedrock rather than STS (AWS's SDK always signs for "sts"; this is the proxy's Bedrock signer).
        var form = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + Uri.EscapeDataString(Role) + "&RoleSessionName=proxy";
        var signed = new ServiceSigner(Url, LocalCredentials.Region).Sign("/", null, Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded; charset=utf-8", Local, _clock.GetUtcNow().UtcDateTime);
        var ct = TestContext.Current.CancellationToken;
        using var bedrockScoped = await _http.SendAsync(signed.ToHttpRequest(Encoding.UTF8.GetBytes(form)), ct);
        var refusal = System.Xml.Linq.XElement.Parse(await bedrockScoped.Content.ReadAsStringAsync(ct));
        System.Xml.Linq.XNamespace ns = StsQuery.Namespace;

        Assert.Equal(("SignatureDoesNotMatch", 403), (wrongSecret.Error!.Code, wrongSecret.Error.Status));
        Assert.Equal(("InvalidClientTokenId", "The security token included in the request is invalid."), (unknownKey.Error!.Code, unknownKey.Error.Message));
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'."),
            (bedrockScoped.StatusCode, (string?)refusal.Element(ns + "Error")?.Element(ns + "Code"), (string?)refusal.Element(ns + "Error")?.Element(ns + "Message")));
    }

    [Fact]
    public async Task A_session_may_assume_a_role_for_at_most_an_hour_and_expired_sessions_may_not()
    {
        var first = (await AssumeAsync(new(Role, "first", null, 900))).ToImmutable();

        var chained = await AssumeAsync(new(Role, "chained"), first);
        var tooLong = await Assert.ThrowsAsync<ProxySts.AssumeRoleException>(() => AssumeAsync(new(Role, "long", null, 7200), first));
        _clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await Assert.ThrowsAsync<ProxySts.AssumeRoleException>(() => AssumeAsync(new(Role, "late"), first));

        Assert.Equal("arn:aws:sts::444455556666:assumed-role/bedrock-access/chained", chained.AssumedRoleArn);
        Assert.Equal(("ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."),
            (tooLong.Error!.Code, tooLong.Error.Status, tooLong.Error.Message));
        Assert.Equal(("ExpiredToken", 403), (expired.Error!.Code, expired.Error.Status));
    }

    [Fact]
    public async Task Answers_errors_in_the_query_apis_xml_shape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _http.PostAsync(Url, new StringContent("Action=AssumeRole&Version=2011-06-15", Encoding.UTF8, "application/x-www-form-urlencoded"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches("""^<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$""", body);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), body[(body.IndexOf("<RequestId>", StringComparison.Ordinal) + 11)..body.IndexOf("</RequestId>", StringComparison.Ordinal)]);
    }
}
