namespace BedrockNovaProxy.AppHost.Tests;

/// <summary>`dotnet run --project apphost` in a test: started, with every resource up (health checked where it has a
/// health endpoint; the Lambda worker, which has none, running), within a bound so a stuck start fails the test.</summary>
public static class RunningAppHost
{
    public static async Task<DistributedApplication> StartAsync(CancellationToken ct)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(ct);
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        foreach (var resource in new[] { "bedrock", "lambda", "proxy-container" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }

        await app.ResourceNotifications.WaitForResourceAsync("proxy-lambda", KnownResourceStates.Running, ct);
        return app;
    }
}
