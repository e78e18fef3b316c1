using BedrockNovaProxy.Aws;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.Limits;
using BedrockNovaProxy.Local;
using Microsoft.Extensions.Time.Testing;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>`gitops usage` reads back the rows the proxy's store writes, from dynalite (a real DynamoDB API).</summary>
public class UsageTests
{
    [Fact]
    public async Task Usage_sums_each_key_over_the_days_asked_for_as_a_table_and_as_markdown()
    {
        var ct = TestContext.Current.CancellationToken;
        await ExternalTools.RequireDynaliteAsync(ct);
        await using var dynamo = await LocalDynamo.StartAsync(ct);
        using var client = dynamo.Client();
        const string Table = "bnp-acme-staging-limits";
        await DynamoLimitStore.CreateTableAsync(client, Table, ct);
        var store = new DynamoLimitStore(client, Table);
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        // Written twice: the store adds rows up, as flushes from several instances do.
        foreach (var row in new UsageRow[]
        {
            new("20261201", "acme-ci", "gpt-4o", 10, 1000, 200, 50, 1_440),
            new("20261201", "acme-ci", "gpt-4o", 5, 500, 100, 0, 720),
            new("20261130", "acme-ci", "gpt-4o-mini", 3, 300, 30, 0, 25),
            new("20261130", "acme-qa", "gpt-4o-mini", 1, 100, 10, 0, 8),
            new("20261120", "acme-qa", "gpt-4o-mini", 100, 100, 10, 0, 8),
        })
        {
            await store.AddUsageAsync(row, expires, ct);
        }

        var summary = Path.Combine(Path.GetTempPath(), $"usage-{Guid.NewGuid():N}.md");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await UsageCommand.RunAsync(Repo.Real, Repo.Path("customers", "acme", "staging.yaml"), 2, dynamo.Url.AbsoluteUri, summary,
            new StaticAwsCredentialSource("local", "local"), _ => null, output, error, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), ct);

        Assert.True(code == Repository.Ok, error.ToString());
        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l.TrimEnd(), " {2,}", "  ")).ToList();
        Assert.Contains("acme-ci  18  1,800  330  50  $0.0022", lines);
        Assert.Contains("acme-qa  1  100  10  0  $0.0000", lines);
        Assert.Contains("Total  19  1,900  340  50  $0.0022", lines);
        Assert.Contains("2026-12-01  acme-ci  gpt-4o  15  1,500  300  50  $0.0022", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("2026-11-20", StringComparison.Ordinal));
        var markdown = await File.ReadAllTextAsync(summary, ct);
        File.Delete(summary);
        Assert.Contains("| acme-ci | 18 | 1,800 | 330 | 50 | $0.0022 |", markdown, StringComparison.Ordinal);

        Assert.Equal(Repository.Usage, await UsageCommand.RunAsync(Repo.Real, Repo.Path("customers", "acme", "staging.yaml"), 0, dynamo.Url.AbsoluteUri, null,
            new StaticAwsCredentialSource("local", "local"), _ => null, TextWriter.Null, TextWriter.Null, TimeProvider.System, ct));
        await dynamo.StopAsync();
        Assert.Equal(Repository.Failed, await UsageCommand.RunAsync(Repo.Real, Repo.Path("customers", "acme", "staging.yaml"), 2, dynamo.Url.AbsoluteUri, null,
            new StaticAwsCredentialSource("local", "local"), _ => null, TextWriter.Null, TextWriter.Null, TimeProvider.System, ct));
    }
}
