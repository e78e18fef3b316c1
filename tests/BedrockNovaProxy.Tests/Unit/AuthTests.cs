using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Limits;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.Unit;

public class AuthUnitTests
{
    [Fact]
    public void Finds_a_key_by_its_hash_only()
    {
        var keys = ApiKeys.From(new AuthOptions
        {
            Keys = [new() { Name = "a", Sha256 = ApiKeyHash.Of("sk-a") }, new() { Name = "b", Sha256 = ApiKeyHash.Of("sk-b"), Models = ["gpt-4o"] }],
        }, TranslatorFixtures.Models, TimeProvider.System);

        Assert.Equal("a", keys.Find("sk-a")?.Name);
        Assert.Equal("b", keys.Find("sk-b")?.Name);
        Assert.Null(keys.Find("sk-c"));
        Assert.Null(keys.Find(""));
        Assert.NotNull(keys.Find("sk-b")!.Models.Resolve("gpt-4o"));
        Assert.Null(keys.Find("sk-b")!.Models.Resolve("gpt-4o-mini"));
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ApiKeyHash.Of("test"));
    }

    [Fact]
    public void A_per_minute_bucket_allows_its_limit_then_refills_continuously()
    {
        var clock = new FakeTimeProvider();
        var bucket = RateBucket.PerMinute(60, clock);

        var first = Enumerable.Range(0, 61).Count(_ => bucket.TryTake());
        var (remaining, wait) = (bucket.Remaining, bucket.UntilAvailable);
        clock.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = bucket.TryTake();
        bucket.Charge(100);
        var inDebt = bucket.UntilAvailable;

        Assert.Equal((60, 0, TimeSpan.FromSeconds(1)), (first, remaining, wait));
        Assert.True(afterOneSecond);
        Assert.Equal(TimeSpan.FromSeconds(101), inDebt);
    }

    [Fact]
    public void A_requests_usage_charges_its_key_and_reaches_the_metrics()
    {
        var auth = new AuthOptions { Keys = [new() { Name = "a", Sha256 = ApiKeyHash.Of("sk-a"), TokensPerMinute = 1000 }] };
        var time = new FakeTimeProvider();
        var keys = ApiKeys.From(auth, TranslatorFixtures.Models, time);
        var key = keys.Find("sk-a")!;
        var metrics = new RequestMetrics { Operation = "chat.completions" };
        var limits = new BedrockNovaProxy.Limits.SharedLimits(new ProxyOptions { Auth = auth }, null, null, time,
            new BedrockNovaProxy.Limits.LimitsMetrics(Microsoft.Extensions.Logging.Abstractions.NullLogger<BedrockNovaProxy.Limits.LimitsMetrics>.Instance));
        IRequestUsage usage = new KeyUsage(key, limits, metrics);

        usage.ModelChosen("gpt-4o", "amazon.nova-pro-v1:0", "chat.completions.stream");
        usage.FirstTokenOut(TimeSpan.FromMilliseconds(120));
        usage.FirstTokenOut(TimeSpan.FromMilliseconds(300));
        usage.TokensUsed(new TokenCounts(700, 100, 500));

        Assert.Equal(200, key.Tokens!.Remaining);
        Assert.Equal(("gpt-4o", "amazon.nova-pro-v1:0", "chat.completions.stream"), (metrics.ModelAlias, metrics.ModelId, metrics.Operation));
        Assert.Equal((700, 100, TimeSpan.FromMilliseconds(120)), (metrics.InputTokens, metrics.OutputTokens, metrics.TimeToFirstToken));
    }

    [Fact]
    public void Both_answer_shapes_report_the_same_token_counts()
    {
        var chat = new Usage
        {
            PromptTokens = 1100, CompletionTokens = 20, TotalTokens = 1120,
            PromptTokensDetails = new InputTokensDetails { CachedTokens = 1000 },
        };

        var responses = Translation.ResponsesResponseTranslator.UsageOf(chat);

        Assert.Equal(new TokenCounts(1100, 20, 1000), TokenCounts.Of(chat));
        Assert.Equal(TokenCounts.Of(chat), TokenCounts.Of(responses));
        Assert.Equal(1120, TokenCounts.Of(chat).Total);
    }

    [Fact]
    public void A_request_no_middleware_accounts_for_reports_its_usage_to_no_one()
    {
        var context = new DefaultHttpContext();

        context.Usage().TokensUsed(new TokenCounts(1, 1));

        var configuration = new ProxyConfiguration(new ProxyOptions(), "us-east-1", new Uri("https://bedrock-runtime.us-east-1.amazonaws.com"), TranslatorFixtures.Models);
        Assert.Same(TranslatorFixtures.Models, context.Models(configuration));
    }

    public static TheoryData<string, string[], string> BadAuth => new()
    {
        { "no keys and not anonymous", [], "Proxy:Auth:Keys is empty" },
        { "a key, not its hash", ["Proxy:Auth:Keys:0:Name=a", "Proxy:Auth:Keys:0:Sha256=sk-live-123"], "Proxy:Auth:Keys:0:Sha256 must be 64 lower-case hex characters" },
        { "the same key twice", ["Proxy:Auth:Keys:0:Name=a", $"Proxy:Auth:Keys:0:Sha256={ApiKeyHash.Of("x")}", "Proxy:Auth:Keys:1:Name=b", $"Proxy:Auth:Keys:1:Sha256={ApiKeyHash.Of("x")}"], "Proxy:Auth:Keys:1:Sha256 is the same key" },
        { "keys and anonymous", ["Proxy:Auth:AllowAnonymous=true", "Proxy:Auth:Keys:0:Name=a", $"Proxy:Auth:Keys:0:Sha256={ApiKeyHash.Of("x")}"], "AllowAnonymous cannot be true" },
    };

    [Theory]
    [MemberData(nameof(BadAuth))]
    public void Refuses_unsafe_key_configurations(string name, string[] settings, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => s.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], (string?)kv[1]))
                .Append(KeyValuePair.Create("AWS_REGION", (string?)"us-east-1"))).Build();
        var options = new ProxyOptions();
        configuration.GetSection("Proxy").Bind(options);

        var (result, errors) = ProxyConfiguration.Validate(options, configuration);

        Assert.Null(result);
        Assert.True(errors.Any(e => e.Contains(message, StringComparison.Ordinal)), name + ": " + string.Join(" | ", errors));
    }
}
