using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Bedrock.Sts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.Unit;

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
