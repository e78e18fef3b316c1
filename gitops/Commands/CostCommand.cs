using System.Globalization;
using System.Text;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.GitOps.Aws;
using BedrockNovaProxy.GitOps.Cost;
using BedrockNovaProxy.Telemetry;
using static BedrockNovaProxy.GitOps.Cost.CostAdvice;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops cost --config &lt;file&gt; [--days 30] [--threshold 100] [--ce-endpoint url] [--cloudwatch-endpoint url]
/// [--summary file]</c>: what a customer environment cost over the last N whole days, billed (Cost Explorer, per service)
/// and estimated by the proxy itself (its EMF metrics, per stage and model alias), with advice drawn from the figures
/// and the file. AWS credentials come from the standard chain. Exit codes: 0 a report, 1 an AWS call failed (refused,
/// no credentials, unreachable), 2 unusable arguments.</summary>
public static class CostCommand
{
    public sealed record Arguments(string Config, int Days = 30, string? CeEndpoint = null, string? CloudWatchEndpoint = null, string? Summary = null,
        decimal Threshold = DefaultMonthlyThreshold);

    public static async Task<int> RunAsync(Repository repo, Arguments args, IAwsCredentialSource credentials, Func<string, string?> environment,
        TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        if (args.Days is < 1 or > 365)
        {
            error.WriteLine($"gitops: --days {args.Days}: give 1 to 365 days (Cost Explorer and CloudWatch keep about a year)");
            return Repository.Usage;
        }

        if (args.Threshold < 0)
        {
            error.WriteLine("gitops: --threshold must not be negative");
            return Repository.Usage;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (CustomerArgument.Load(repo, args.Config, today, error) is not { } config)
        {
            return Repository.Usage;
        }

        var region = config.Customer.Region;
        if (!TryEndpoint(args.CeEndpoint, CostExplorer.Endpoint, "--ce-endpoint", error, out var ce)
            || !TryEndpoint(args.CloudWatchEndpoint, ProxyEstimates.EndpointFor(region), "--cloudwatch-endpoint", error, out var cloudwatch))
        {
            return Repository.Usage;
        }

        // The last N whole days (UTC): today is still being billed.
        var (start, end) = (today.AddDays(-args.Days), today);
        BilledCosts billed;
        ProxyUsage? usage = null;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
        {
            try
            {
                billed = await CostExplorer.GetAsync(new AwsJsonClient(http, CostExplorer.Api, ce, CostExplorer.SigningRegion, credentials, time),
                    config, start, end, cancellationToken);
                if (config.Monitoring.CustomMetrics.Enabled)
                {
                    usage = await ProxyEstimates.GetAsync(new AwsJsonClient(http, ProxyEstimates.Api, cloudwatch, region, credentials, time),
                        config, Midnight(start), Midnight(end), cancellationToken);
                }
            }
            catch (AwsException e)
            {
                error.WriteLine("gitops: " + e.Message);
                return Repository.Failed;
            }
        }

        var advice = For(config, billed, usage, args.Days, args.Threshold);
        var period = $"{start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd}";
        var tables = new List<ReportTable> { Billed(billed, config.Customer.AccountId, period) };
        var notes = new List<string>();
        if (billed.Estimated)
        {
            notes.Add("Cost Explorer marks some of these days as estimated: the bill is not final yet.");
        }

        if (usage is null)
        {
            notes.Add("monitoring.custom_metrics is off: the proxy publishes no estimate of its own.");
        }
        else if (usage.Rows.Count == 0)
        {
            notes.Add($"No EstimatedCostUSD metrics for {config.Customer.Name}/{config.Customer.Environment} in {config.Monitoring.CustomMetrics.Namespace} " +
                "(a CloudWatch SEARCH finds metrics that reported in the last two weeks).");
        }
        else
        {
            tables.Add(Aliases(usage, config, period));
            notes.Add("By stage: " + string.Join(", ", usage.Rows.GroupBy(r => r.Stage, StringComparer.Ordinal)
                .Select(g => $"{g.Key} ${Money(g.Sum(r => r.EstimatedUsd))}")) + $" (estimates at {NovaPrices.Region} on-demand prices).");
            notes.AddRange(usage.Messages.Select(m => "CloudWatch: " + m));
        }

        var heading = $"Cost of {config.Customer.Name}/{config.Customer.Environment}, {period} ({args.Days} days)";
        output.WriteLine(heading);
        foreach (var table in tables)
        {
            output.WriteLine();
            Report.Write(output, table);
        }

        output.WriteLine();
        foreach (var note in notes)
        {
            output.WriteLine(note);
        }

        output.WriteLine();
        output.WriteLine(advice.Count == 0 ? "No saving stands out in these figures." : "Advice:");
        foreach (var a in advice)
        {
            output.WriteLine($"- [{a.Code}] {a.Text}");
        }

        StepSummary.Write(Markdown(heading, tables, notes, advice), args.Summary, environment);
        return Repository.Ok;
    }

    private static ReportTable Billed(BilledCosts billed, string account, string period)
    {
        var total = billed.Total;
        string Share(decimal amount) => total > 0 ? Percent(amount / total) : "-";
        return new ReportTable(
            $"Billed to account {account} (Cost Explorer, {billed.Unit}, {period})",
            ["Service", "Cost", "Share"],
            [.. billed.Services.Select(s => (IReadOnlyList<string>)[s.Service, Money(s.Amount), Share(s.Amount)]), ["Total", Money(total), Share(total)]],
            Right: new HashSet<int> { 1, 2 });
    }

    private static ReportTable Aliases(ProxyUsage usage, Customers.CustomerConfig config, string period)
    {
        var rows = usage.Rows.GroupBy(r => r.ModelAlias, StringComparer.Ordinal)
            .Select(g => (Alias: g.Key, Cost: g.Sum(r => r.EstimatedUsd), Input: g.Sum(r => r.InputTokens), Output: g.Sum(r => r.OutputTokens)))
            .OrderByDescending(a => a.Cost).ToList();
        static string Tokens(long n) => n.ToString("#,##0", CultureInfo.InvariantCulture);
        return new ReportTable(
            $"Estimated by the proxy per model alias (EMF metrics, USD, {period})",
            ["Model alias", "Bedrock model", "Input tokens", "Output tokens", "Estimated cost", "Share"],
            [.. rows.Select(a => (IReadOnlyList<string>)[a.Alias, config.Models.Mappings.GetValueOrDefault(a.Alias) ?? "(not in the file)",
                Tokens(a.Input), Tokens(a.Output), Money(a.Cost), usage.Total > 0 ? Percent(a.Cost / usage.Total) : "-"]),
                ["Total", "", Tokens(rows.Sum(a => a.Input)), Tokens(rows.Sum(a => a.Output)), Money(usage.Total), ""]],
            Right: new HashSet<int> { 2, 3, 4, 5 });
    }

    private static string Markdown(string heading, IEnumerable<ReportTable> tables, IEnumerable<string> notes, IReadOnlyList<Advice> advice)
    {
        var text = new StringBuilder($"### gitops cost: {heading}\n\n");
        foreach (var table in tables)
        {
            text.Append(Report.Markdown(table));
        }

        foreach (var note in notes)
        {
            text.Append(note).Append("\n\n");
        }

        text.Append("#### Advice\n\n");
        text.Append(advice.Count == 0 ? "No saving stands out in these figures.\n" : string.Concat(advice.Select(a => $"- **{a.Code}**: {a.Text}\n")));
        return text.ToString();
    }

    /// <summary>An endpoint override (a test's recorded server, a VPC endpoint), else the API's own endpoint.</summary>
    private static bool TryEndpoint(string? text, Uri fallback, string option, TextWriter error, out Uri endpoint)
    {
        endpoint = fallback;
        if (text is null)
        {
            return true;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            endpoint = uri;
            return true;
        }

        error.WriteLine($"gitops: {option} '{text}' is not an http(s) URL");
        return false;
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
