using BedrockNovaProxy.Emulators.Bedrock.Conversation;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>The rule the control endpoint sets: a count ends by itself, a share holds until cleared, a prompt's own
/// marker still wins, and each kind is the Bedrock error its name says.</summary>
public class InjectedFaultsTests
{
    public static TheoryData<string, string, int, bool> Kinds => new()
    {
        // kind, Bedrock's error type, its status, whether it comes part-way through a stream
        { "throttle", "ThrottlingException", 429, false },
        { "internal", "InternalServerException", 500, false },
        { "unavailable", "ServiceUnavailableException", 503, false },
        { "timeout", "ModelTimeoutException", 408, false },
        { "broken-stream", "ModelStreamErrorException", 424, true },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_is_its_Bedrock_error(string kind, string type, int status, bool midStream)
    {
        var faults = new InjectedFaults();
        faults.Set(kind, 1, null);

        var plan = new FaultInjector(new FaultOptions(), faults).Decide(Markers.None);

        var error = midStream ? plan.MidStream : plan.Before;
        Assert.Equal((type, status), (error!.Type, (int)error.Status));
    }

    [Fact]
    public void Hang_is_no_answer_at_all() => Assert.True(Plan("hang").Hang);

    private static FaultPlan Plan(string kind)
    {
        var faults = new InjectedFaults();
        faults.Set(kind, 1, null);
        return faults.Next();
    }

    [Fact]
    public void A_count_fails_exactly_that_many_calls_then_ends()
    {
        var faults = new InjectedFaults();
        faults.Set("throttle", 3, null);

        var failed = Enumerable.Range(0, 10).Select(_ => faults.Next().Any).ToList();

        Assert.Equal([true, true, true, false, false, false, false, false, false, false], failed);
        Assert.Null(faults.Snapshot()["fault"]);
    }

    [Fact]
    public void A_share_fails_that_share_repeatably_until_cleared()
    {
        static int Failed(InjectedFaults faults) => Enumerable.Range(0, 10_000).Count(_ => faults.Next().Any);
        var faults = new InjectedFaults(seed: 7);
        faults.Set("internal", null, 25);

        var share = Failed(faults);
        var again = new InjectedFaults(seed: 7);
        again.Set("internal", null, 25);

        Assert.InRange(share, 2300, 2700);
        Assert.Equal(share, Failed(again));
        Assert.Equal(share, (long)faults.Snapshot()["injected"]!);
        faults.Clear();
        Assert.Equal(0, Failed(faults));
    }

    [Fact]
    public void A_prompt_marker_wins_over_the_rule_and_a_new_rule_replaces_the_old()
    {
        var faults = new InjectedFaults();
        faults.Set("throttle", 5, null);
        var injector = new FaultInjector(new FaultOptions(), faults);

        Assert.Equal("ModelErrorException", injector.Decide(Markers.Parse("[[fault:model-error]]")).Before!.Type);
        faults.Set("internal", 1, null);
        Assert.Equal("InternalServerException", injector.Decide(Markers.None).Before!.Type);
        Assert.False(injector.Decide(Markers.None).Any);
    }

    [Theory]
    [InlineData(null, 1, null, "'fault' is required")]
    [InlineData("melt", 1, null, "unknown fault 'melt'")]
    [InlineData("throttle", null, null, "exactly one of")]
    [InlineData("throttle", 1, 50.0, "exactly one of")]
    [InlineData("throttle", 0, null, "at least 1")]
    [InlineData("throttle", -3, null, "at least 1")]
    [InlineData("throttle", null, 0.0, "more than 0")]
    [InlineData("throttle", null, 100.5, "at most 100")]
    public void Refuses_a_rule_it_cannot_follow(string? kind, int? count, double? percent, string reason)
    {
        Assert.Contains(reason, InjectedFaults.Check(kind, count, percent), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new InjectedFaults().Set(kind!, count, percent));
    }

    [Theory]
    [InlineData("throttle", 1, null)]
    [InlineData("broken-stream", null, 100.0)]
    [InlineData("hang", null, 0.5)]
    public void Accepts_a_rule_it_can_follow(string kind, int? count, double? percent) => Assert.Null(InjectedFaults.Check(kind, count, percent));
}
