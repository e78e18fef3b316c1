using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>The windows allowances count in, and the per-process counting (no store, or a store that is down).</summary>
public class AllowanceTests
{
    public static TheoryData<Period, string, string, string> Windows => new()
    {
        { Period.Minute, "2026-12-04T18:59:59.999Z", "202612041859", "2026-12-04T19:00:00Z" },
        { Period.Minute, "2026-12-31T23:59:00Z", "202612312359", "2027-01-01T00:00:00Z" },
        { Period.Day, "2026-12-04T00:00:00Z", "20261204", "2026-12-05T00:00:00Z" },
        { Period.Day, "2026-12-04T23:00:00-05:00", "20261205", "2026-12-06T00:00:00Z" },
        { Period.Month, "2026-02-28T12:00:00Z", "202602", "2026-03-01T00:00:00Z" },
        { Period.Month, "2026-12-31T23:59:59Z", "202612", "2027-01-01T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void A_window_is_a_UTC_minute_day_or_month(Period period, string at, string window, string end)
    {
        Assert.Equal(window, Allowance.Window(period, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), out var ends));
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), ends);
    }

    [Fact]
    public async Task Without_a_store_a_budget_counts_in_this_process_and_renews_with_the_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero));
        var budget = new Allowance("key:a", "tokens", Period.Day, 100, null, new SharedLimitsOptions(), time, new LimitsMetrics(NullLogger<LimitsMetrics>.Instance));

        var first = await budget.AdmitAsync(0, CancellationToken.None);
        budget.Charge(99);
        var second = await budget.AdmitAsync(0, CancellationToken.None);
        budget.Charge(30);
        var spent = await budget.AdmitAsync(0, CancellationToken.None);
        var retry = budget.UntilWindowEnd;
        time.Advance(TimeSpan.FromHours(1));
        var renewed = await budget.AdmitAsync(0, CancellationToken.None);

        Assert.Equal((Verdict.Admitted, Verdict.Admitted, Verdict.Exhausted, Verdict.Admitted), (first, second, spent, renewed));
        Assert.Equal(TimeSpan.FromHours(1), retry);
    }
}
