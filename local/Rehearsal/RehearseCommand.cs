using System.Security.Cryptography;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Rendering;
using BedrockNovaProxy.GitOps.Smoke;
using BedrockNovaProxy.LoadTests;
using LoadGate = BedrockNovaProxy.LoadTests.Commands;

namespace BedrockNovaProxy.Local.Rehearsal;

/// <summary><c>local rehearse &lt;customer file&gt;</c>: the pipeline a merge would run, on this machine: validate,
/// render with the self-checks, start the proxy with exactly the settings the stack would give it (as a Lambda worker
/// behind the local API Gateway and/or under Kestrel, as the deployment type runs it) in front of the local Bedrock,
/// smoke-test it, run the file's load gate against it, and say what prod would get. Exit codes: 0 prod would be
/// promoted, 1 prod would stay untouched (the failing step is named), 2 bad arguments.</summary>
public static class RehearseCommand
{
    public sealed record Arguments(string File, string? Duration = null, double? Rate = null, string Report = "artifacts/rehearsal");

    public static async Task<int> RunAsync(Repository repo, Arguments args, TextWriter output, TextWriter error, TimeProvider time, DateOnly today,
        CancellationToken cancellationToken)
    {
        if (CustomerArgument.Find(repo, args.File, error) is not { } file)
        {
            return Repository.Usage;
        }

        output.WriteLine($"1/4 validate {file}");
        if (!ValidateCommand.TryValidate(repo, [], today, error, out var all))
        {
            return Repository.Usage;
        }

        var validated = all.Single(v => v.Path == file);
        foreach (var finding in validated.Diagnostics)
        {
            output.WriteLine($"    {finding}");
        }

        if (validated.HasErrors || validated.Config is not { } config)
        {
            return Hold(output, "the file is invalid");
        }

        output.WriteLine("2/4 render and self-check");
        try
        {
            var files = Renderer.ForRepository(repo.Root).Render(config, file);
            output.WriteLine($"    {string.Join(", ", files.Select(f => f.Path))}: sound");
        }
        catch (Exception e) when (e is RenderException or CfnException)
        {
            error.WriteLine(e.Message);
            return Hold(output, "the render fails its checks");
        }

        // The stack's hosts, as the file deploys them: a Lambda worker behind API Gateway, a container, or both.
        var hostings = new List<Hosting>();
        if (config.HasServerless)
        {
            hostings.Add(config.Deployment.Lambda.Streaming ? Hosting.LambdaStreaming : Hosting.LambdaBuffered);
        }

        if (config.HasContainer || config.HasEks)
        {
            hostings.Add(Hosting.Kestrel);
        }

        // A key for this rehearsal only: the file holds hashes, so it cannot lend one of its own keys.
        var key = "sk-bnp-rehearsal-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        foreach (var hosting in hostings)
        {
            var name = hosting == Hosting.Kestrel ? "container (Kestrel)" : $"Lambda behind API Gateway ({(hosting == Hosting.LambdaStreaming ? "streamed" : "buffered")})";
            output.WriteLine($"3/4 start the proxy as a {name} with {file}'s settings, in front of the local Bedrock in {config.Customer.Region}");
            await using var stack = await InProcessStack.StartAsync(Settings(config, hosting != Hosting.Kestrel, key), bedrock: o =>
            {
                o.Region = config.Customer.Region;
                // A model that takes a little while, as the gate's thresholds expect of a real one.
                o.Latency.TimeToFirstToken = TimeSpan.FromMilliseconds(50);
                o.Latency.TokensPerSecond = 400;
            }, hosting: hosting, testCustomer: false);

            output.WriteLine($"    smoke {stack.ProxyUrl}");
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var plan = SmokePlan.For(stack.ProxyUrl, config, null, TimeSpan.FromSeconds(30));
            var smoke = await new SmokeTest(http, time).RunAsync(plan, key, cancellationToken);
            Report.Write(output, SmokeCommand.Table(plan, smoke));
            if (!smoke.Passed)
            {
                return Hold(output, $"the smoke test fails on the {name}");
            }

            output.WriteLine($"4/4 the load gate of {file} on the {name}");
            var gateOptions = new RunOptions(new FileInfo(Path.Combine(repo.Root, file)), null, args.Rate, null, args.Duration,
                plan.ChatAlias ?? config.Models.Mappings.Keys.First(), null, new DirectoryInfo(Path.Combine(args.Report, hosting.ToString().ToLowerInvariant())));
            var gate = await LoadGate.RunAsync(gateOptions, stack.ProxyUrl, key, LocalGate.Prompt, cancellationToken);
            if (gate != LoadGate.Passed)
            {
                return Hold(output, gate == LoadGate.ThresholdBreached ? $"the load gate fails on the {name}" : $"the load gate could not run on the {name}");
            }
        }

        output.WriteLine($"decision: PROMOTE. Green would pass every step, and prod would get this build of {config.Customer.Name}/{config.Customer.Environment}.");
        return Repository.Ok;
    }

    /// <summary>The proxy's settings from the file, as configuration keys, and the rehearsal's own key after its keys.</summary>
    internal static Dictionary<string, string?> Settings(CustomerConfig config, bool lambda, string key)
    {
        var settings = ProxySettings.For(config, lambda).ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        var next = config.Auth.Keys.Count;
        settings[$"Proxy:Auth:Keys:{next}:Name"] = "rehearsal";
        settings[$"Proxy:Auth:Keys:{next}:Sha256"] = ApiKeyHash.Of(key);
        // The metric lines would only go to this console; the proxy's metrics are checked by its own tests.
        settings["Proxy:Telemetry:Emf"] = "false";
        return settings;
    }

    private static int Hold(TextWriter output, string why)
    {
        output.WriteLine($"decision: HOLD. Prod would stay untouched: {why}.");
        return Repository.Failed;
    }
}
