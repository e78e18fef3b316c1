using BedrockNovaProxy.Cli;

namespace BedrockNovaProxy.Common.Tests;

/// <summary>One reading of durations for every tool: the smoke test's timeouts, the gate's duration, the benchmarks'.</summary>
public class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 30s ", 30_000)]
    [InlineData("00:00:02", 2_000)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("30", null)]
    [InlineData("-1s", null)]
    [InlineData("0s", null)]
    [InlineData("00:00:00", null)]
    [InlineData("s", null)]
    [InlineData("ms", null)]
    [InlineData("soon", null)]
    [InlineData("1e3s", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Reads_what_people_write_and_refuses_the_rest(string? text, int? milliseconds)
    {
        Assert.Equal(milliseconds, Durations.TryParse(text, out var d) ? (int)d.TotalMilliseconds : null);
        if (milliseconds is null)
        {
            var e = Assert.Throws<FormatException>(() => Durations.Parse(text!));
            Assert.Contains("is not a duration (examples: 500ms, 30s, 2m, 00:01:30)", e.Message, StringComparison.Ordinal);
        }
    }
}
