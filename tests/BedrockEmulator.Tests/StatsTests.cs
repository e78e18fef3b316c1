using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>GET /_emulator/stats: every counter under its camelCase name, the per-protocol counters nested, and the
/// values the counters hold.</summary>
public class StatsTests
{
    [Fact]
    public async Task Names_every_counter_and_gives_its_value()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None"]);
        await app.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var unsigned = await http.PostAsync("model/amazon.nova-lite-v1:0/converse", new StringContent("{}"), ct);

        using var stats = JsonDocument.Parse(await http.GetStringAsync("_emulator/stats", ct));

        var root = stats.RootElement;
        Assert.Equal(
            ["requests", "converse", "converseStream", "invokeModel", "authFailures", "errors", "faultsInjected", "inputTokens", "outputTokens",
             "inFlight", "cancelled", "assumeRole", "stsErrors", "requestsByAccessKey", "http1", "http2"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["requests", "connectionsOpened", "connectionsClosed", "cancelled"], root.GetProperty("http1").EnumerateObject().Select(p => p.Name));
        Assert.Equal(app.Services.GetRequiredService<EmulatorStats>().AuthFailures, root.GetProperty("authFailures").GetInt64());
        Assert.Equal(1, root.GetProperty("authFailures").GetInt64());
    }
}
