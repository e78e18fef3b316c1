using BedrockNovaProxy.Auth;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.Local.Rehearsal;
using BedrockNovaProxy.Tests.Support;

namespace BedrockNovaProxy.Local.Tests;

/// <summary>local rehearse: the pipeline on this machine, and the decision prod would get.</summary>
public class RehearseTests
{
    private static async Task<(int Code, string Output)> RehearseAsync(Scratch scratch, string file)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await RehearseCommand.RunAsync(scratch.Repository,
            new RehearseCommand.Arguments(scratch.Path(file), Duration: "1s", Rate: 5, Report: scratch.Path("artifacts", "rehearsal")),
            output, error, TimeProvider.System, Repo.Today, TestContext.Current.CancellationToken);
        return (code, output + error.ToString());
    }

    private static string Example(string customer, string environment) => File.ReadAllText(Repo.Path("customers", customer, $"{environment}.yaml"));

    [Theory]
    [InlineData("acme", "staging", "Lambda behind API Gateway (streamed)", 1)]
    [InlineData("initech", "prod", "container (Kestrel)", 2)] // hybrid: the Lambda path and the container path
    public async Task A_sound_file_would_be_promoted_after_every_step_passes_on_each_host(string customer, string environment, string host, int hosts)
    {
        using var scratch = Repo.Scratch(($"customers/{customer}/{environment}.yaml", Example(customer, environment)));
        var (code, output) = await RehearseAsync(scratch, $"customers/{customer}/{environment}.yaml");
        Assert.True(code == Repository.Ok, output);
        Assert.Contains($"start the proxy as a {host}", output, StringComparison.Ordinal);
        // The gate writes its reports where rehearse asks, one folder per host.
        var reports = Directory.EnumerateFiles(scratch.Path("artifacts", "rehearsal"), "report.md", SearchOption.AllDirectories).ToList();
        Assert.Equal(hosts, reports.Count);
        Assert.All(reports, r => Assert.StartsWith("## Load gate: passed", File.ReadAllText(r), StringComparison.Ordinal));
        Assert.EndsWith($"decision: PROMOTE. Green would pass every step, and prod would get this build of {customer}/{environment}.{Environment.NewLine}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gate_the_build_cannot_meet_leaves_prod_untouched()
    {
        var file = Example("globex", "staging").Replace("  duration: \"30s\"", "  duration: \"30s\"\n  thresholds:\n    p95_ms: 1", StringComparison.Ordinal);
        using var scratch = Repo.Scratch(("customers/globex/staging.yaml", file));
        var (code, output) = await RehearseAsync(scratch, "customers/globex/staging.yaml");
        Assert.True(code == Repository.Failed, output);
        var report = Directory.EnumerateFiles(scratch.Path("artifacts", "rehearsal"), "report.md", SearchOption.AllDirectories).Single();
        Assert.StartsWith("## Load gate: FAILED", File.ReadAllText(report), StringComparison.Ordinal);
        Assert.Contains("decision: HOLD. Prod would stay untouched: the load gate fails on the container (Kestrel).", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_proxy_gets_exactly_the_file_s_settings_and_one_key_of_its_own()
    {
        var config = Repo.Validated.Single(v => v.Path == "customers/acme/staging.yaml").Config!;
        var settings = RehearseCommand.Settings(config, lambda: true, "sk-bnp-rehearsal-x");
        Assert.Equal(config.Models.Mappings.Keys, settings.Where(kv => kv.Key.EndsWith(":Alias", StringComparison.Ordinal)).Select(kv => kv.Value));
        Assert.Equal([.. config.Auth.Keys.Select(k => k.Name), "rehearsal"], settings.Where(kv => kv.Key.StartsWith("Proxy:Auth:Keys:", StringComparison.Ordinal) && kv.Key.EndsWith(":Name", StringComparison.Ordinal)).Select(kv => kv.Value));
        Assert.Equal(ApiKeyHash.Of("sk-bnp-rehearsal-x"), settings[$"Proxy:Auth:Keys:{config.Auth.Keys.Count}:Sha256"]);
        Assert.Equal("true", settings["Proxy:Lambda:Streaming"]);
    }

    [Fact]
    public async Task An_invalid_file_stops_at_validation()
    {
        var file = Example("acme", "staging").Replace("burst_limit: 200", "burst_limit: 50", StringComparison.Ordinal);
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", file));
        var (code, output) = await RehearseAsync(scratch, "customers/acme/staging.yaml");
        Assert.Equal(Repository.Failed, code);
        Assert.Contains("[throttling] burst_limit 50 is below rate_limit 100", output, StringComparison.Ordinal);
        Assert.Contains("decision: HOLD. Prod would stay untouched: the file is invalid.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("start the proxy", output, StringComparison.Ordinal);
    }
}
