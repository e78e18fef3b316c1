using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.AppHost.Tests;

/// <summary>The dashboard as a person uses it, driven through Aspire's own command service: resources grouped as they
/// run, named URLs, the customer's settings as properties, and the commands (inject and clear a fault, validate and
/// render the file, run the load gate) with their effect checked where it lands.</summary>
public class DashboardCommandTests
{
    [Fact]
    public async Task The_commands_do_what_they_say()
    {
        await using var host = await RunningAppHost.StartAsync(TimeSpan.FromMinutes(4));
        var commands = host.App.Services.GetRequiredService<ResourceCommandService>();
        var model = host.App.Services.GetRequiredService<DistributedApplicationModel>();

        // Grouped as it runs: the Lambda worker under the local Lambda.
        var worker = model.Resources.Single(r => r.Name == "proxy-lambda");
        Assert.Contains(worker.Annotations.OfType<ResourceRelationshipAnnotation>(), a => a.Type == "Parent" && a.Resource.Name == "lambda");

        // Named URLs.
        foreach (var (resource, name) in new[] { ("lambda", "API Gateway (REST, streaming)"), ("lambda", "Runtime API"), ("bedrock", "Bedrock Runtime"), ("proxy-container", "Container proxy") })
        {
            await host.App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.Urls.Any(u => u.DisplayProperties.DisplayName == name), host.Token);
        }

        // The customer's settings: aliases and models, key names and limits (never a key).
        var customer = await host.App.ResourceNotifications.WaitForResourceAsync("customer", e => e.Snapshot.Properties.Length > 0, host.Token);
        var properties = customer.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value?.ToString());
        Assert.Equal("amazon.nova-pro-v1:0", properties["alias.gpt-4o"]);
        Assert.Equal("gpt-4o-mini, gpt-3.5-turbo; 120 req/min, 200,000 tokens/min", properties["key.acme-qa"]);

        // A fault for every call: the container path answers 429 (the proxy's retries meet it too); cleared, it answers.
        using var http = new HttpClient { BaseAddress = host.App.GetEndpoint("proxy-container", "http") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", "sk-local-dev");
        Task<HttpResponseMessage> Chat() => http.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"), host.Token);
        Task<ExecuteCommandResult> Inject(string fault, string share) => commands.ExecuteCommandAsync("bedrock", "inject-fault",
            new InteractionInputCollection([new InteractionInput { Name = "fault", InputType = InputType.Choice, Value = fault }, new InteractionInput { Name = "share", InputType = InputType.Text, Value = share }]), host.Token);
        var injected = await Inject("throttle", "100%");
        Assert.True(injected.Success, injected.Message);
        using (var throttled = await Chat())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        }

        // A kind the menu does not offer is refused by the dashboard itself; a count the emulator refuses, by it.
        Assert.False((await Inject("melt", "2")).Success);
        var zero = await Inject("throttle", "0");
        Assert.False(zero.Success);
        Assert.Contains("'count' must be at least 1", zero.Message, StringComparison.Ordinal);
        Assert.Contains("neither a number of calls", (await Inject("throttle", "lots")).Message, StringComparison.Ordinal);
        Assert.True((await commands.ExecuteCommandAsync("bedrock", "clear-faults", host.Token)).Success);
        using (var answered = await Chat())
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        // Re-validate and re-render the file.
        var validated = await commands.ExecuteCommandAsync("customer", "validate", host.Token);
        Assert.True(validated.Success, validated.Message);
        Assert.Contains("1 file(s) valid", validated.Message, StringComparison.Ordinal);
        var rendered = await commands.ExecuteCommandAsync("customer", "render", host.Token);
        Assert.True(rendered.Success, rendered.Message);

        // The load gate on each path, short; its result links the HTML report it wrote.
        foreach (var (resource, folder) in new[] { ("proxy-container", "apphost-container"), ("lambda", "apphost-lambda") })
        {
            var report = Path.Combine(RepositoryRoot(), "loadtests", "reports", folder, "report.html");
            if (File.Exists(report))
            {
                File.Delete(report);
            }

            var gate = await commands.ExecuteCommandAsync(resource, "load-gate",
                new InteractionInputCollection([new InteractionInput { Name = "duration", InputType = InputType.Text, Value = "2s" }]), host.Token);

            // The container path passes at the file's rate; the local Lambda runs one worker, as one sandbox would,
            // so its verdict is whatever it measured: the command must say what the report says.
            Assert.True(File.Exists(report), $"{resource}: {gate.Message}");
            Assert.Contains(new Uri(report).AbsoluteUri, gate.Data!.Value, StringComparison.Ordinal);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(report, ".json")));
            Assert.Equal(json.RootElement.GetProperty("passed").GetBoolean(), gate.Success);
            Assert.True(resource != "proxy-container" || gate.Success, gate.Data.Value);
        }
    }

    private static string RepositoryRoot() => BedrockNovaProxy.Cli.RepositoryRoot.Find(AppContext.BaseDirectory)!;
}
