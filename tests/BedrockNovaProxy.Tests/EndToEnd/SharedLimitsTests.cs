using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2.Model;
using BedrockNovaProxy.Limits;
using BedrockNovaProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The proof of the shared limits: several proxy instances (containers and a Lambda worker, real HTTP on
/// 127.0.0.1) on one dynalite under concurrent load; the store read back with AWS's own DynamoDB client. Each
/// instance's clock is fixed at the start (a FakeTimeProvider at the real now), so no minute ends during a test.</summary>
public sealed class SharedLimitsTests : EndToEndTest, IAsyncDisposable
{
    private const string Table = "bnp-acme-test-limits";

    /// <summary>What the test started, in order: the store first, then the instances on it.</summary>
    private readonly List<IAsyncDisposable> _started = [];

    /// <summary>dynalite on a free port (the test skips without node and dynalite, and fails so on CI), and a clock at
    /// now that the test moves.</summary>
    private async Task<(LocalDynamo Dynamo, FakeTimeProvider Time)> StoreAndClockAsync()
    {
        await ExternalTools.RequireDynaliteAsync(Ct);
        var dynamo = await LocalDynamo.StartAsync(Ct);
        _started.Add(dynamo);
        return (dynamo, new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
    }

    private async Task<LocalSystem[]> StartAsync(LocalDynamo dynamo, FakeTimeProvider time, Dictionary<string, string?> settings, params Hosting[] hostings)
    {
        using (var client = dynamo.Client())
        {
            await DynamoLimitStore.CreateTableAsync(client, Table, Ct);
        }

        settings["Proxy:SharedLimits:Table"] = Table;
        settings["Proxy:SharedLimits:ServiceUrl"] = dynamo.Url.AbsoluteUri;
        // A slow store (dynalite on a machine busy with the whole suite) must not pass for a failed one here: these
        // tests prove the shared counting, and the outage test stops the store outright.
        settings["Proxy:SharedLimits:Timeout"] = "00:00:05";
        var systems = await Task.WhenAll(hostings.Select(h => LocalSystem.StartAsync(h, settings, time)));
        _started.AddRange(systems);
        return systems;
    }

    private static Task<HttpResponseMessage> ChatAsync(LocalSystem system, string text = "hi") =>
        system.Http.PostAsync("v1/chat/completions", JsonText($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{text}}"}]}"""), Ct);

    private static async Task<(int Input, int Output)> UsageOf(HttpResponseMessage response)
    {
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("usage");
        return (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
    }

    /// <summary>Stops what the test started, the instances before the store they write their usage to.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task Instances_on_one_store_admit_the_limit_exactly_and_their_usage_adds_up()
    {
        var (dynamo, time) = await StoreAndClockAsync();
        var systems = await StartAsync(dynamo, time, new()
        {
            ["Proxy:Auth:Keys:0:RequestsPerMinute"] = "30",
            ["Proxy:SharedLimits:LeaseFraction"] = "0.1",
        }, Hosting.Kestrel, Hosting.Kestrel, Hosting.LambdaBuffered);

        // 90 requests at once, 30 on each instance: three times the key's limit.
        var responses = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => ChatAsync(systems[i % 3], $"request {i}")));

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.All(systems, s => Assert.Equal(0, s.ProxyServices.GetRequiredService<LimitsMetrics>().Failures));
        Assert.Equal(30, ok.Count);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var error = await ErrorTests.AssertError(refused, 429, "rate_limit_error", null, "rate_limit_exceeded");
            Assert.Contains("limit 30 per minute", error.GetProperty("message").GetString());
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);
        }

        var served = await Task.WhenAll(ok.Select(UsageOf));
        foreach (var system in systems)
        {
            await system.ProxyServices.GetRequiredService<UsageLog>().FlushAsync(Ct);
        }

        using var client = dynamo.Client();
        var rows = await DynamoLimitStore.ReadUsageAsync(client, Table, Ct);
        var row = Assert.Single(rows);
        Assert.Equal(("test", "gpt-4o", Allowance.Window(Period.Day, time.GetUtcNow(), out _)), (row.Key, row.Alias, row.Day));
        Assert.Equal(30, row.Requests);
        Assert.Equal(served.Sum(s => s.Input), row.InputTokens);
        Assert.Equal(served.Sum(s => s.Output), row.OutputTokens);
        Assert.Equal(served.Sum(s => (long)Math.Round(Telemetry.NovaPrices.Estimate("amazon.nova-pro-v1:0", s.Input, s.Output)!.Value * 1_000_000m, MidpointRounding.AwayFromZero)), row.CostMicroUsd);

        // The store's counter for the minute says the same: 30 leased, all used.
        var counter = await client.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new() { ["pk"] = new() { S = "limit#key:test#requests#minute#" + Allowance.Window(Period.Minute, time.GetUtcNow(), out _) } },
            ConsistentRead = true,
        }, Ct);
        Assert.Equal("30", counter.Item["used"].N);
    }

    [Fact]
    public async Task A_token_budget_stops_every_instance_at_the_budget_until_the_day_ends()
    {
        var (dynamo, time) = await StoreAndClockAsync();
        const int Budget = 600;
        const int Concurrency = 4;
        var systems = await StartAsync(dynamo, time, new()
        {
            ["Proxy:Auth:Keys:0:TokensPerDay"] = Budget.ToString(CultureInfo.InvariantCulture),
            ["Proxy:SharedLimits:LeaseFraction"] = "0.1",
        }, Hosting.Kestrel, Hosting.Kestrel);

        var served = new List<(int Input, int Output)>();
        var refusals = new List<HttpResponseMessage>();
        var warned = false;
        using var gate = new SemaphoreSlim(Concurrency);
        await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
        {
            await gate.WaitAsync(Ct);
            try
            {
                var response = await ChatAsync(systems[i % 2], $"request number {i}");
                lock (served)
                {
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        served.Add(UsageOf(response).GetAwaiter().GetResult());
                        warned |= response.Headers.Contains("x-budget-warning");
                    }
                    else
                    {
                        refusals.Add(response);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(systems, s => Assert.Equal(0, s.ProxyServices.GetRequiredService<LimitsMetrics>().Failures));
        var tokens = served.Sum(s => s.Input + s.Output);
        var largest = served.Max(s => s.Input + s.Output);
        // Spent: at least the budget less one idle lease block per instance; over it by at most what was in flight on
        // each instance when its own lease ran out (they run out at different moments: up to one round each).
        Assert.InRange(tokens, Budget - (systems.Length * 60), Budget + (systems.Length * Concurrency * largest));
        Assert.NotEmpty(refusals);
        Assert.True(warned, "no answer carried x-budget-warning past 80% of the budget");
        var untilMidnight = time.GetUtcNow().UtcDateTime.Date.AddDays(1) - time.GetUtcNow().UtcDateTime;
        foreach (var refused in refusals)
        {
            await ErrorTests.AssertError(refused, 429, "rate_limit_error", null, "budget_exceeded");
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture),
                (int)untilMidnight.TotalSeconds, (int)untilMidnight.TotalSeconds + 1);
        }

        // Once spent, spent everywhere: a fresh request on either instance is refused.
        foreach (var system in systems)
        {
            using var again = await ChatAsync(system);
            await ErrorTests.AssertError(again, 429, "rate_limit_error", null, "budget_exceeded");
        }
    }

    [Fact]
    public async Task A_store_outage_mid_run_serves_on_per_process_limits_or_refuses_as_configured_and_recovers()
    {
        var (dynamo, time) = await StoreAndClockAsync();
        // A block of one request: every request leases, so every request meets the outage.
        var serving = await StartAsync(dynamo, time, new()
        {
            ["Proxy:Auth:Keys:0:RequestsPerMinute"] = "20",
            ["Proxy:SharedLimits:LeaseFraction"] = "0.01",
        }, Hosting.Kestrel);
        var refusing = await StartAsync(dynamo, time, new()
        {
            ["Proxy:Auth:Keys:0:RequestsPerMinute"] = "20",
            ["Proxy:SharedLimits:LeaseFraction"] = "0.01",
            ["Proxy:SharedLimits:OnFailure"] = "Refuse",
        }, Hosting.Kestrel);
        LocalSystem[] systems = [.. serving, .. refusing];

        foreach (var system in systems)
        {
            using var before = await ChatAsync(system);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await dynamo.StopAsync();
        var started = TimeProvider.System.GetTimestamp();
        var during = await Task.WhenAll(systems.SelectMany(s => Enumerable.Range(0, 5).Select(_ => ChatAsync(s))));
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.All(during[..5], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // The refusing instance still serves the one block it had leased (the next was leased ahead), then refuses.
        Assert.InRange(during[5..].Count(r => r.StatusCode == HttpStatusCode.OK), 0, 1);
        foreach (var refused in during[5..].Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await ErrorTests.AssertError(refused, 503, "server_error", null, "limits_unavailable");
            Assert.True(refused.Headers.Contains("Retry-After"));
        }

        Assert.All(systems, s => Assert.True(s.ProxyServices.GetRequiredService<LimitsMetrics>().Failures > 0));
        // Each such request says so in its EMF line (the LimitsStoreAlarm reads it).
        var refusal = during[5..].First(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        var line = await refusing[0].Metrics.ForAsync(refusal.Headers.GetValues("x-request-id").Single());
        Assert.Equal(1, line.GetProperty("LimitsStoreDegraded").GetInt32());

        // Per process, the serving instance holds the whole limit alone: 20 in the minute, then 429.
        var rest = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ChatAsync(serving[0])));
        Assert.Equal(20 - 1 - 5, rest.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(rest.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));

        // The store back, and the retry pause over: the refusing instance serves again, without a restart.
        await dynamo.RestartAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(6));
        using var after = await ChatAsync(refusing[0]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
