namespace BedrockNovaProxy.AppHost.Tests;

/// <summary>`dotnet run --project apphost` in a test: started, with every resource up (health checked where it has a
/// health endpoint; the Lambda worker, which has none, running), the start and the test after it within a bound, so a
/// stuck start or resource fails the test.</summary>
public sealed class RunningAppHost(DistributedApplication app, CancellationTokenSource bound) : IAsyncDisposable
{
    public DistributedApplication App => app;

    /// <summary>The test's cancellation token, cancelled also when the bound has passed.</summary>
    public CancellationToken Token => bound.Token;

    public static async Task<RunningAppHost> StartAsync(TimeSpan within)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        var ct = timeout.Token;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(ct);
            var started = await builder.BuildAsync(ct);
            await started.StartAsync(ct);
            foreach (var resource in new[] { "bedrock", "lambda", "proxy-container" })
            {
                await started.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
            }

            await started.ResourceNotifications.WaitForResourceAsync("proxy-lambda", KnownResourceStates.Running, ct);
            return new(started, timeout);
        }
        catch
        {
            timeout.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        bound.Dispose();
    }
}
