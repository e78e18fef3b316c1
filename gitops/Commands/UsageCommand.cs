using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Aws;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops usage --config &lt;file&gt; [--days 7] [--endpoint url] [--summary file]</c>: what each key of a
/// customer environment used over the last N UTC days (today included, still counting), per model alias and day, as
/// the proxy recorded it in the environment's limits table: requests, input, output and cached tokens, estimated cost.
/// A table on stdout, Markdown to --summary or the job summary. Needs dynamodb:Scan on the table. Exit codes: 0 a
/// report, 1 an AWS call failed, 2 unusable arguments.</summary>
public static class UsageCommand
{
    public static readonly AwsApi Api = new("DynamoDB", "dynamodb", "DynamoDB_20120810", "1.0", "dynamodb:Scan");

    public sealed record Row(string Day, string Key, string Alias, long Requests, long InputTokens, long OutputTokens, long CachedTokens, decimal CostUsd);

    public static async Task<int> RunAsync(Repository repo, string file, int days, string? endpoint, string? summary, IAwsCredentialSource credentials,
        Func<string, string?> environment, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 400)
        {
            error.WriteLine($"gitops: --days {days}: give 1 to 400 days (the table keeps usage rows 400 days)");
            return Repository.Usage;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (CustomerArgument.Load(repo, file, today, error) is not { } config)
        {
            return Repository.Usage;
        }

        var url = endpoint ?? $"https://dynamodb.{config.Customer.Region}.amazonaws.com/";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"gitops: --endpoint {endpoint}: not an http(s) URL");
            return Repository.Usage;
        }

        var from = today.AddDays(1 - days);
        var table = LimitsSection.TableName(config);
        List<Row> rows;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
        {
            try
            {
                rows = await ScanAsync(new AwsJsonClient(http, Api, uri, config.Customer.Region, credentials, time), table, from, cancellationToken);
            }
            catch (AwsException e)
            {
                error.WriteLine("gitops: " + e.Message);
                return Repository.Failed;
            }
        }

        var heading = $"Usage of {config.Customer.Name}/{config.Customer.Environment}, {from:yyyy-MM-dd} to {today:yyyy-MM-dd} ({days} days, UTC; today so far)";
        var tables = Tables(rows);
        output.WriteLine(heading);
        foreach (var t in tables)
        {
            output.WriteLine();
            Report.Write(output, t);
        }

        output.WriteLine();
        output.WriteLine(rows.Count == 0 ? $"No usage recorded in {table} for these days." : "Costs are estimates at the proxy's price table (us-east-1, on-demand).");
        var markdown = new StringBuilder("### ").Append(heading).Append("\n\n");
        foreach (var t in tables)
        {
            markdown.Append(Report.Markdown(t));
        }

        StepSummary.Write(markdown.ToString(), summary, environment);
        return Repository.Ok;
    }

    /// <summary>Per key (the charge-back), then per key, alias and day.</summary>
    public static IReadOnlyList<ReportTable> Tables(IReadOnlyList<Row> rows)
    {
        IReadOnlyList<string> Cells(long requests, long input, long output, long cached, decimal cost) =>
            [N(requests), N(input), N(output), N(cached), "$" + cost.ToString("0.0000", CultureInfo.InvariantCulture)];
        var right = new HashSet<int> { 1, 2, 3, 4, 5 };
        var perKey = rows.GroupBy(r => r.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key, .. Cells(g.Sum(r => r.Requests), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens), g.Sum(r => r.CachedTokens), g.Sum(r => r.CostUsd))])
            .Append(["Total", .. Cells(rows.Sum(r => r.Requests), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), rows.Sum(r => r.CachedTokens), rows.Sum(r => r.CostUsd))]);
        var detail = rows.OrderBy(r => r.Day, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Alias, StringComparer.Ordinal)
            .Select(r => (IReadOnlyList<string>)[$"{r.Day[..4]}-{r.Day[4..6]}-{r.Day[6..]}", r.Key, r.Alias, .. Cells(r.Requests, r.InputTokens, r.OutputTokens, r.CachedTokens, r.CostUsd)]);
        return
        [
            new("Per key", ["Key", "Requests", "Input tokens", "Output tokens", "Cached tokens", "Est. cost"], [.. perKey], Right: right),
            new("Per key, model alias and day", ["Day", "Key", "Alias", "Requests", "Input tokens", "Output tokens", "Cached tokens", "Est. cost"], [.. detail],
                Right: new HashSet<int> { 3, 4, 5, 6, 7 }),
        ];
    }

    private static async Task<List<Row>> ScanAsync(AwsJsonClient client, string table, DateOnly from, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        JsonNode? start = null;
        do
        {
            var request = new JsonObject
            {
                ["TableName"] = table,
                ["FilterExpression"] = "begins_with(pk, :p) AND #day >= :from",
                ["ExpressionAttributeNames"] = new JsonObject { ["#day"] = UsageItems.Day },
                ["ExpressionAttributeValues"] = new JsonObject
                {
                    [":p"] = new JsonObject { ["S"] = UsageItems.Prefix },
                    [":from"] = new JsonObject { ["S"] = from.ToString("yyyyMMdd", CultureInfo.InvariantCulture) },
                },
            };
            if (start is not null)
            {
                request["ExclusiveStartKey"] = start.DeepClone();
            }

            var page = await client.CallAsync("Scan", request, cancellationToken);
            foreach (var item in page["Items"]?.AsArray() ?? [])
            {
                string S(string name) => item![name]?["S"]?.GetValue<string>() ?? "";
                long L(string name) => long.TryParse(item![name]?["N"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var n) ? n : 0;
                rows.Add(new(S(UsageItems.Day), S(UsageItems.Key), S(UsageItems.Alias), L(UsageItems.Requests), L(UsageItems.InputTokens),
                    L(UsageItems.OutputTokens), L(UsageItems.CachedTokens), L(UsageItems.CostMicroUsd) / 1_000_000m));
            }

            start = page["LastEvaluatedKey"] is JsonObject { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return rows;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
