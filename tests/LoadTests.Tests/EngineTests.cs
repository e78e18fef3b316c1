using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Gate;
using BedrockNovaProxy.LoadTests.Reports;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.LoadTests.Tests;

public class EngineTests
{
    [Fact]
    public void A_constant_rate_schedules_evenly_spaced_requests()
    {
        var offsets = ArrivalSchedule.Offsets((InjectSimulation)LoadSimulation.Inject(4, TimeSpan.FromSeconds(2))).ToList();

        Assert.Equal([0, 250, 500, 750, 1000, 1250, 1500, 1750], offsets.Select(o => o.TotalMilliseconds));
    }

    [Theory]
    [InlineData(0, 10, 10, 50)]
    [InlineData(10, 0, 10, 50)]
    [InlineData(5, 15, 4, 40)]
    public void A_ramp_schedules_the_area_under_its_rate_in_order(double from, double to, double seconds, int expected)
    {
        var offsets = ArrivalSchedule.Offsets((InjectSimulation)LoadSimulation.RampingInject(from, to, TimeSpan.FromSeconds(seconds))).ToList();

        Assert.Equal(expected, offsets.Count);
        Assert.Equal(offsets.Order(), offsets);
        Assert.All(offsets, o => Assert.InRange(o.TotalSeconds, 0, seconds));
        // Half of the requests of a rising ramp come in its last ~29% (t = d * sqrt(1/2) solves the area).
        var half = offsets[expected / 2].TotalSeconds / seconds;
        Assert.InRange(half, from < to ? 0.6 : 0.2, from < to ? 0.8 : 0.4);
    }

    [Fact]
    public void Measurements_give_exact_counts_and_percentiles_within_hdr_precision()
    {
        var m = new Measurements();
        for (var i = 1; i <= 100; i++)
        {
            m.Record(TimeSpan.FromSeconds(i / 50.0), TimeSpan.FromMilliseconds(i), TimeSpan.FromMilliseconds(i / 2.0), StepResult.Success(ttft: TimeSpan.FromMilliseconds(10)));
        }

        m.Record(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), StepResult.Fail(429, "rate_limit_exceeded"));
        m.Dropped();
        var stats = m.Snapshot("t", TimeSpan.FromSeconds(2));

        Assert.Equal((100, 1, 1), (stats.Ok, stats.Failed, stats.Dropped));
        Assert.Equal(2.0 / 102, stats.ErrorRate, 6);
        Assert.Equal(50, stats.Throughput);
        Assert.Equal(50, stats.Latency.P50, 0);
        Assert.Equal(99, stats.Latency.P99, 0);
        Assert.Equal(100, stats.Latency.Max, 0);
        Assert.Equal(25, stats.ServiceTime.P50, 0);
        Assert.Equal(10, stats.TimeToFirstToken.P95, 1);
        Assert.Equal(1, stats.Errors["rate_limit_exceeded"]);
        Assert.Equal(new Dictionary<string, long> { ["200"] = 100, ["429"] = 1 }, stats.StatusCodes);
        Assert.Equal(3, stats.Intervals.Count);
    }

    private static ScenarioStats Stats(double p50, double p95, double p99, double ttft95, double errorRate, double rps, long ok = 100) =>
        new("s", 10, ok, 0, 0, errorRate, rps, new Percentiles(ok, p50, p50, p50, p95, p99, p99), Percentiles.Empty,
            ttft95 > 0 ? new Percentiles(ok, ttft95, ttft95, ttft95, ttft95, ttft95, ttft95) : Percentiles.Empty, Percentiles.Empty,
            new Dictionary<string, long>(), new Dictionary<string, long>(), []);

    public static TheoryData<string, ScenarioStats, string[]> ThresholdCases => new()
    {
        { "all within", Stats(100, 200, 300, 50, 0, 10), [] },
        { "p99 over", Stats(100, 200, 10_001, 50, 0, 10), ["latency p99 (ms)"] },
        { "p50 and p95 over", Stats(2500, 6000, 6000, 50, 0, 10), ["latency p50 (ms)", "latency p95 (ms)"] },
        { "slow first token", Stats(100, 200, 300, 3001, 0, 10), ["time to first token p95 (ms)"] },
        { "no streaming: no first-token check", Stats(100, 200, 300, 0, 0, 10), [] },
        { "errors at the limit pass", Stats(100, 200, 300, 50, 0.01, 10), [] },
        { "errors over", Stats(100, 200, 300, 50, 0.0101, 10), ["error rate"] },
        { "throughput under", Stats(100, 200, 300, 50, 0, 4.9), ["throughput (req/s)"] },
        { "nothing succeeded", Stats(0, 0, 0, 0, 1, 0, ok: 0), ["error rate", "throughput (req/s)", "successful requests"] },
    };

    [Theory]
    [MemberData(nameof(ThresholdCases))]
    public void Thresholds_fail_exactly_where_the_numbers_say(string name, ScenarioStats stats, string[] failing)
    {
        var results = Thresholds.Evaluate(new GateThresholds(MinThroughputRps: 5), stats);

        Assert.True(failing.SequenceEqual(results.Where(r => !r.Passed).Select(r => r.Name)), name + ": " + string.Join("; ", results));
    }

    [Fact]
    public void Reads_the_gate_from_a_customer_file_with_defaults_for_what_it_leaves_out()
    {
        var gate = GateConfig.From(new GateSection
        {
            Scenario = "chat-stream",
            Rate = 12.5,
            Duration = "2m",
            Thresholds = new GateThresholdsSection { P99Ms = 4000, MaxErrorRate = 0.005 },
        });

        Assert.Equal(("chat-stream", 12.5, TimeSpan.FromMinutes(2)), (gate.Scenario, gate.Rate, gate.Duration));
        Assert.Equal(new GateThresholds(P99Ms: 4000, MaxErrorRate: 0.005), gate.Thresholds);
        Assert.Equal(new GateConfig("mix", 5, TimeSpan.FromSeconds(30), new GateThresholds()), GateConfig.Default);
    }

    [Fact]
    public void Reads_the_gate_of_a_committed_customer_file()
    {
        var file = Path.Combine(RepositoryRoot.Find(AppContext.BaseDirectory)!, "customers", "acme", "prod.yaml");
        var options = new RunOptions(new FileInfo(file), null, null, null, "5s", "gpt-4o", null, new DirectoryInfo("unused"));

        var gate = Commands.Resolve(options);

        Assert.Equal(GateConfig.From(CustomerFile.Read(file).Gate) with { Duration = TimeSpan.FromSeconds(5) }, gate);
        Assert.Throws<ArgumentException>(() => Commands.Resolve(options with { Scenario = "nope" }));
        Assert.Throws<ArgumentException>(() => Commands.Resolve(options with { Duration = "soon" }));
    }

    [Fact]
    public async Task Measures_latency_from_the_intended_start_so_queueing_shows()
    {
        // One slow request at t=0 holds the only "server"; the next three are scheduled while it runs. A closed-loop
        // tool would report ~100 ms for them; measured from their intended start they include the wait.
        var clock = new FakeTimeProvider();
        var server = new SemaphoreSlim(1);
        async Task<StepResult> Step(CancellationToken ct)
        {
            await server.WaitAsync(ct);
            try
            {
                var done = new TaskCompletionSource();
                await using (clock.CreateTimer(_ => done.SetResult(), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan))
                {
                    await done.Task;
                }
            }
            finally
            {
                server.Release();
            }

            return StepResult.Success();
        }

        var run = new Runner(clock).RunAsync(Scenario.Create("queue", Step).WithLoadSimulations(LoadSimulation.Inject(40, TimeSpan.FromSeconds(0.1))), TestContext.Current.CancellationToken);
        while (!run.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Yield();
        }

        var stats = await run;
        Assert.Equal(4, stats.Ok);
        Assert.True(stats.Latency.Max >= 300, $"the last request waited for three before it: {stats.Latency.Max} ms");
    }

    [Fact]
    public void Reports_say_which_threshold_failed_with_numbers()
    {
        var stats = Stats(100, 200, 12_000, 50, 0, 10);
        var report = new RunReport("http://127.0.0.1:1/", "chat", "5 req/s for 10 s", DateTimeOffset.UnixEpoch, stats,
            Thresholds.Evaluate(new GateThresholds(), stats));

        var md = MarkdownReport.Render(report);
        var html = HtmlReport.Render(report);

        Assert.Contains("## Load gate: FAILED", md);
        Assert.Contains("| latency p99 (ms) | <= 10000 | 12000 | **FAIL** |", md);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("\"passed\": false", report.ToJson());
    }
}
