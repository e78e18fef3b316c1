using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Cost;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Tests;

public class CostTests
{
    /// <summary>The report's clock: 30 days back from here is 2026-11-01..2026-11-30, the recordings' period.</summary>
    private static readonly FixedTime Now = new(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero));

    private static readonly IAwsCredentialSource Credentials = new StaticAwsCredentialSource(RecordedAws.AccessKey, RecordedAws.SecretKey);

    private const string CostExplorerTarget = "AWSInsightsIndexService.GetCostAndUsage", CloudWatchTarget = "GraniteServiceVersion20100801.GetMetricData";

    /// <summary>Two pages from each API: the second when the request carries the first page's token.</summary>
    private static RecordedAws.Answer Recorded(RecordedAws.Call call) => call.Target switch
    {
        CostExplorerTarget => new(200, call.Json["NextPageToken"] is null ? "ce-get-cost-and-usage-1.json" : "ce-get-cost-and-usage-2.json"),
        CloudWatchTarget => new(200, call.Json["NextToken"] is null ? "cloudwatch-get-metric-data-1.json" : "cloudwatch-get-metric-data-2.json"),
        _ => throw new InvalidOperationException("unexpected target " + call.Target),
    };

    private sealed record Run(int Code, string Output, string Error, string Summary);

    private static async Task<Run> CostAsync(Repository repo, CostCommand.Arguments args, IAwsCredentialSource? credentials = null)
    {
        var summary = Path.GetTempFileName();
        try
        {
            var (output, error) = (new StringWriter(), new StringWriter());
            var code = await CostCommand.RunAsync(repo, args with { Summary = summary }, credentials ?? Credentials, _ => null, output, error, Now,
                TestContext.Current.CancellationToken);
            return new Run(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"), File.ReadAllText(summary));
        }
        finally
        {
            File.Delete(summary);
        }
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => Regex.Replace(l, " {2,}", "  ").TrimEnd());

    [Fact]
    public async Task Cost_pages_through_both_apis_with_signed_requests_and_reports_totals_and_advice()
    {
        await using var aws = await RecordedAws.StartAsync(Recorded);
        var run = await CostAsync(Repo.Real, new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: aws.Url.AbsoluteUri, CloudWatchEndpoint: aws.Url.AbsoluteUri));
        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);

        var calls = aws.Calls.ToList();
        Assert.Equal([CostExplorerTarget, CostExplorerTarget, CloudWatchTarget, CloudWatchTarget], calls.Select(c => c.Target));

        // Cost Explorer: AWS JSON 1.1, signed for ce in us-east-1 whatever the stack's Region, the period, the filter, the pages.
        var ce = calls[0];
        Assert.Equal("application/x-amz-json-1.1", ce.Headers["content-type"]);
        Assert.Equal("/", ce.RawTarget);
        RecordedAws.AssertSigned(ce, "ce", "us-east-1");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"],
             "GroupBy":[{"Type":"DIMENSION","Key":"SERVICE"}],
             "Filter":{"And":[
               {"Dimensions":{"Key":"SERVICE","Values":["Amazon Bedrock","AWS Lambda","Amazon API Gateway","EC2 - Other","AmazonCloudWatch"]}},
               {"Dimensions":{"Key":"LINKED_ACCOUNT","Values":["123456789012"]}}]}}
            """), ce.Json), ce.Json.ToJsonString());
        Assert.Equal("AQICAHhGZXhhbXBsZS1jZS1wYWdlLTI=", calls[1].Json["NextPageToken"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(ce.Json["TimePeriod"], calls[1].Json["TimePeriod"]));
        RecordedAws.AssertSigned(calls[1], "ce", "us-east-1");

        // CloudWatch: AWS JSON 1.0 in Query-compatible mode, signed for monitoring in the stack's Region.
        var cw = calls[2];
        Assert.Equal("application/x-amz-json-1.0", cw.Headers["content-type"]);
        Assert.Equal("true", cw.Headers["x-amzn-query-mode"]);
        RecordedAws.AssertSigned(cw, "monitoring", "us-east-1");
        Assert.Equal(1793491200, cw.Json["StartTime"]!.GetValue<long>());
        Assert.Equal(1796083200, cw.Json["EndTime"]!.GetValue<long>());
        var queries = cw.Json["MetricDataQueries"]!.AsArray();
        Assert.Equal(["cost", "input", "output"], queries.Select(q => q!["Id"]!.GetValue<string>()));
        Assert.Equal("""SEARCH('{"Acme/BedrockNovaProxy",Customer,Environment,Stage,ModelAlias,Operation} MetricName="EstimatedCostUSD" Customer="acme" Environment="prod"', 'Sum', 86400)""",
            queries[0]!["Expression"]!.GetValue<string>());
        Assert.Contains("MetricName=\"OutputTokens\"", queries[2]!["Expression"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(queries, q => Assert.Equal("${PROP('Dim.Stage')}|${PROP('Dim.ModelAlias')}|${PROP('Dim.Operation')}", q!["Label"]!.GetValue<string>()));
        Assert.Null(cw.Json["NextToken"]);
        Assert.Equal("eyJ2IjoxLCJxIjoiY29zdCIsInAiOjJ9", calls[3].Json["NextToken"]!.GetValue<string>());

        var lines = Lines(run.Output).ToList();
        Assert.Equal("Cost of acme/prod, 2026-11-01 to 2026-11-30 (30 days)", lines[0]);
        foreach (var row in new[]
                 {
                     "Amazon Bedrock  420.93  60%", "AWS Lambda  182.65  26%", "Amazon API Gateway  37.40  5%", "EC2 - Other  33.28  5%",
                     "AmazonCloudWatch  26.76  4%", "Total  701.03  100%",
                     "gpt-4o  amazon.nova-pro-v1:0  226,113,063  27,514,829  268.94  74%",
                     "acme-premium  us.amazon.nova-2-lite-v1:0  61,072,532  11,976,201  48.26  13%",
                     "gpt-4o-mini  amazon.nova-lite-v1:0  363,157,192  45,131,596  32.62  9%",
                     "text-embedding-3-small  amazon.titan-embed-text-v2:0  591,371,108  0  11.83  3%",
                     "Total  1,241,713,895  84,622,626  361.65",
                     "Cost Explorer marks some of these days as estimated: the bill is not final yet.",
                     "By stage: prod $360.56, green $1.09 (estimates at us-east-1 on-demand prices).",
                 })
        {
            Assert.Contains(row, lines);
        }

        var advice = lines.Where(l => l.StartsWith("- [", StringComparison.Ordinal)).ToList();
        Assert.Equal(["over-threshold", "provisioned-concurrency", "log-retention", "cheaper-model"], advice.Select(a => a[3..a.IndexOf(']')]));
        Assert.Equal("- [over-threshold] The deployment's services cost $701.03 in 30 days, about $701.03 a month, above the $100.00 threshold; the largest part is Amazon Bedrock (60%).", advice[0]);
        Assert.Contains("AWS Lambda is 26% of the spend ($182.65), and prod keeps 10 environments of 1024 MB provisioned around the clock (10 GB, 7,200 GB-hours a month", advice[1], StringComparison.Ordinal);
        Assert.Contains("log_retention_days is 365", advice[2], StringComparison.Ordinal);
        Assert.Contains("(CloudWatch cost $26.76 in these 30 days)", advice[2], StringComparison.Ordinal);
        Assert.Contains("gpt-4o (Amazon Nova Pro) is 74% of the proxy's estimated model spend ($268.94 of $361.65). " +
            "The same 226,113,063 input and 27,514,829 output tokens on Amazon Nova Lite would cost $20.17, 92% less. " +
            "Where its answers serve these requests, map \"gpt-4o\": \"amazon.nova-lite-v1:0\"", advice[3], StringComparison.Ordinal);

        Assert.StartsWith("### gitops cost: Cost of acme/prod", run.Summary, StringComparison.Ordinal);
        Assert.Contains("| Amazon Bedrock | 420.93 | 60% |", run.Summary, StringComparison.Ordinal);
        Assert.Contains("- **cheaper-model**: gpt-4o (Amazon Nova Pro)", run.Summary, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Cloudwatch_is_signed_for_the_stacks_region_and_cost_explorer_for_us_east_1()
    {
        await using var aws = await RecordedAws.StartAsync(Recorded);
        var run = await CostAsync(Repo.Real, new(Repo.Path("customers", "initech", "prod.yaml"), Days: 7, CeEndpoint: aws.Url.AbsoluteUri, CloudWatchEndpoint: aws.Url.AbsoluteUri));
        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);

        var calls = aws.Calls.ToList();
        RecordedAws.AssertSigned(calls.First(c => c.Target == CostExplorerTarget), "ce", "us-east-1");
        var cw = calls.First(c => c.Target == CloudWatchTarget);
        RecordedAws.AssertSigned(cw, "monitoring", "us-west-2");
        Assert.Contains("{\"Initech/NovaProxy\",Customer,", cw.Json["MetricDataQueries"]![0]!["Expression"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Start":"2026-11-24","End":"2026-12-01"}"""), calls[0].Json["TimePeriod"]));
        Assert.Equal(
            ["Amazon Bedrock", "AWS Lambda", "Amazon API Gateway", "Amazon Elastic Container Service", "Amazon Elastic Load Balancing", "EC2 - Other", "AmazonCloudWatch"],
            calls[0].Json["Filter"]!["And"]![0]!["Dimensions"]!["Values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task An_access_denied_answer_fails_with_the_reason_and_the_permission_needed()
    {
        await using var aws = await RecordedAws.StartAsync(_ => new(400, "ce-access-denied.json",
            new Dictionary<string, string> { ["x-amzn-ErrorType"] = "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/" }));
        var run = await CostAsync(Repo.Real, new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: aws.Url.AbsoluteUri, CloudWatchEndpoint: aws.Url.AbsoluteUri));

        Assert.Equal(Repository.Failed, run.Code);
        Assert.Equal("gitops: Cost Explorer refused GetCostAndUsage (400 AccessDeniedException): User: arn:aws:sts::123456789012:assumed-role/gitops-cost/ci " +
            "is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage because no identity-based " +
            "policy allows the ce:GetCostAndUsage action (the caller needs ce:GetCostAndUsage)\n", run.Error);
        Assert.Equal("", run.Output);
        Assert.Single(aws.Calls);
    }

    [Fact]
    public async Task A_cloudwatch_refusal_names_its_query_compatible_code()
    {
        await using var aws = await RecordedAws.StartAsync(call => call.Target == CloudWatchTarget
            ? new(400, "cloudwatch-invalid-parameter.json", new Dictionary<string, string> { ["x-amzn-query-error"] = "InvalidParameterValue;Sender" })
            : Recorded(call));
        var run = await CostAsync(Repo.Real, new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: aws.Url.AbsoluteUri, CloudWatchEndpoint: aws.Url.AbsoluteUri));

        Assert.Equal(Repository.Failed, run.Code);
        Assert.StartsWith("gitops: CloudWatch refused GetMetricData (400 InvalidParameterValue): The value SEARCH(", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_credentials_and_an_unreachable_endpoint_fail_with_a_clear_message()
    {
        var port = SmokeTests.ClosedPort();
        var unreachable = await CostAsync(Repo.Real, new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: $"http://127.0.0.1:{port}/"));
        Assert.Equal(Repository.Failed, unreachable.Code);
        Assert.Equal($"gitops: cannot reach Cost Explorer at http://127.0.0.1:{port}/: Connection refused (127.0.0.1:{port})\n", unreachable.Error);

        var none = await CostAsync(Repo.Real, new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: $"http://127.0.0.1:{port}/"), new NoCredentials());
        Assert.Equal(Repository.Failed, none.Code);
        Assert.Equal("gitops: no AWS credentials for Cost Explorer: Failed to resolve AWS credentials (the standard chain: environment, web identity, profile, container, instance)\n",
            none.Error);
    }

    [Fact]
    public async Task Without_the_proxys_metrics_only_cost_explorer_is_asked()
    {
        var file = SmokeTests.Staging.Replace("  custom_metrics:\n    enabled: true\n", "  custom_metrics:\n    enabled: false\n", StringComparison.Ordinal);
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", file));
        await using var aws = await RecordedAws.StartAsync(Recorded);
        var run = await CostAsync(scratch.Repository, new(scratch.Path("customers", "acme", "staging.yaml"), CeEndpoint: aws.Url.AbsoluteUri, CloudWatchEndpoint: aws.Url.AbsoluteUri));

        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);
        Assert.All(aws.Calls, c => Assert.Equal(CostExplorerTarget, c.Target));
        Assert.Contains("monitoring.custom_metrics is off: the proxy publishes no estimate of its own.", run.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, CostCommand.Arguments, string> UnusableArguments => new()
    {
        { "no day", new("customers/acme/prod.yaml", Days: 0), "gitops: --days 0: give 1 to 365 days (Cost Explorer and CloudWatch keep about a year)" },
        { "too many days", new("customers/acme/prod.yaml", Days: 366), "gitops: --days 366: give 1 to 365 days (Cost Explorer and CloudWatch keep about a year)" },
        { "a negative threshold", new("customers/acme/prod.yaml", Threshold: -1), "gitops: --threshold must not be negative" },
        { "no such file", new("customers/nobody/prod.yaml"), "gitops: no such customer file: customers/nobody/prod.yaml" },
        { "not a URL", new(Repo.Path("customers", "acme", "prod.yaml"), CeEndpoint: "ce.example"), "gitops: --ce-endpoint 'ce.example' is not an http(s) URL" },
        { "not http", new(Repo.Path("customers", "acme", "prod.yaml"), CloudWatchEndpoint: "file:///tmp/x"), "gitops: --cloudwatch-endpoint 'file:///tmp/x' is not an http(s) URL" },
    };

    [Theory]
    [MemberData(nameof(UnusableArguments))]
    public async Task Unusable_arguments_exit_2(string name, CostCommand.Arguments args, string message)
    {
        var run = await CostAsync(Repo.Real, args);
        Assert.True(run.Code == Repository.Usage, name);
        Assert.Equal(message, run.Error.Trim());
    }

    [Theory]
    [InlineData("acme/staging", "Amazon Bedrock,AWS Lambda,Amazon API Gateway,EC2 - Other,AmazonCloudWatch")]
    [InlineData("globex/prod", "Amazon Bedrock,Amazon Elastic Container Service,Amazon Elastic Load Balancing,EC2 - Other,AmazonCloudWatch")]
    [InlineData("initech/prod", "Amazon Bedrock,AWS Lambda,Amazon API Gateway,Amazon Elastic Container Service,Amazon Elastic Load Balancing,EC2 - Other,AmazonCloudWatch")]
    [InlineData("umbrella/prod", "Amazon Bedrock,Amazon Elastic Load Balancing,AmazonCloudWatch")]
    [InlineData("umbrella/staging", "Amazon Bedrock,AmazonCloudWatch")]
    public void The_services_are_those_the_deployment_type_runs_on(string file, string services) =>
        Assert.Equal(services.Split(','), CostExplorer.Services(Config(file)));

    /// <summary>Advice cases: a file changed as the case needs, billed and estimated figures, and the advice expected.</summary>
    private static readonly Dictionary<string, (string File, Action<CustomerConfig> Change, (string, decimal)[] Billed, AliasUsage[] Usage, int Days, string[] Codes, string? Fragment)> AdviceCases = new()
    {
        ["a small quiet deployment"] = ("initech/staging", _ => { }, [("Amazon Bedrock", 12), ("AWS Lambda", 3)],
            [Use("gpt-4o", 4, 1_000_000, 500_000), Use("gpt-4o-mini", 4, 1_000_000, 500_000), Use("reasoner", 4, 1_000_000, 500_000)], 30, [], null),
        ["over the threshold, per month"] = ("initech/staging", _ => { }, [("Amazon Bedrock", 150)], [], 30, ["over-threshold"], "about $150.00 a month, above the $100.00 threshold"),
        ["under the threshold over 60 days"] = ("initech/staging", _ => { }, [("Amazon Bedrock", 150)], [], 60, [], null),
        ["Lambda memory above the seed's 1024 MB"] = ("acme/staging", c => c.Performance.Lambda.MemorySize = 2048, [("AWS Lambda", 50), ("Amazon Bedrock", 30)], [], 30,
            ["lambda-memory"], "1024 MB would cut the duration charge by 50% (Lambda cost $50.00 in these 30 days)"),
        ["provisioned concurrency on the JIT runtime"] = ("acme/prod", c => c.Deployment.Lambda.Runtime = "dotnet10", [("AWS Lambda", 40), ("Amazon Bedrock", 40)], [], 30,
            ["provisioned-concurrency", "log-retention"], "Switch deployment.lambda.runtime to provided.al2023"),
        ["provisioned concurrency while Lambda is a small share"] = ("acme/prod", _ => { }, [("AWS Lambda", 10), ("Amazon Bedrock", 80)], [], 30, ["log-retention"], null),
        ["input-heavy chat without prompt caching"] = ("acme/staging", c => c.Models.PromptCaching.System = false, [],
            [Use("gpt-4o-mini", 10, 12_000_000, 1_000_000), Use("gpt-4o", 10, 1, 1), Use("gpt-3.5-turbo", 10, 1, 1)], 30, ["prompt-caching"], "sent 12x more input than output tokens (12,000,002 against 1,000,002)"),
        ["a staging service that keeps two tasks"] = ("globex/staging", c => c.Performance.Container.MinCount = 2, [("Amazon Elastic Container Service", 40)], [], 30,
            ["container-min-count"], "staging keeps 2 tasks of 512 CPU units and 1024 MiB running at all times (Amazon Elastic Container Service $40.00"),
        ["a gap between the bill and the estimate"] = ("initech/staging", _ => { }, [("Amazon Bedrock", 90)], [Use("gpt-4o", 20, 1, 1), Use("gpt-4o-mini", 20, 1, 1), Use("reasoner", 20, 1, 1)], 30,
            ["estimate-gap"], "a gap of 33%"),
        ["Nova Lite dominating: Micro reads text only"] = ("acme/staging", _ => { }, [],
            [Use("gpt-4o-mini", 10, 100_000_000, 10_000_000), Use("gpt-4o", 1, 1, 1)], 30, ["cheaper-model"], "on Amazon Nova Micro would cost $4.90, 51% less (it reads text only). Where its answers serve these requests, map \"gpt-4o-mini\": \"amazon.nova-micro-v1:0\""),
        ["Nova 2 Lite by its profile: Nova Lite by the same profile"] = ("acme/staging", _ => { }, [],
            [Use("acme-premium", 100, 100_000_000, 10_000_000)], 30, ["cheaper-model"], "(it does not reason). Where its answers serve these requests, map \"acme-premium\": \"us.amazon.nova-lite-v1:0\""),
        ["an embedding alias dominating"] = ("acme/staging", _ => { }, [], [Use("text-embedding-3-small", 100, 100_000_000, 0)], 30, [], null),
        ["an alias the file no longer maps"] = ("acme/staging", _ => { }, [], [Use("retired", 100, 100_000_000, 0)], 30, [], null),
    };

    public static TheoryData<string> AdviceCaseNames => [.. AdviceCases.Keys];

    [Theory]
    [MemberData(nameof(AdviceCaseNames))]
    public void Advice_fires_only_on_figures_and_settings_that_call_for_it(string name)
    {
        var (file, change, billed, usage, days, codes, fragment) = AdviceCases[name];
        var config = Config(file);
        change(config);
        var bill = new BilledCosts(new(2026, 11, 1), new(2026, 12, 1), "USD", [.. billed.Select(b => new ServiceCost(b.Item1, b.Item2))], false);
        var advice = CostAdvice.For(config, bill, new ProxyUsage(usage, []), days, CostAdvice.DefaultMonthlyThreshold);

        Assert.Equal(codes, advice.Select(a => a.Code));
        if (fragment is not null)
        {
            Assert.Contains(fragment, string.Join("\n", advice.Select(a => a.Text)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Labels_that_do_not_split_keep_their_figures_under_the_whole_label()
    {
        var sums = new Dictionary<(string Id, string Label), double> { [("cost", "prod|gpt-4o|chat.completions")] = 2.5, [("input", "prod|gpt-4o|chat.completions")] = 1000, [("cost", "EstimatedCostUSD")] = 1 };
        var rows = ProxyEstimates.Rows(sums);
        Assert.Equal([new AliasUsage("prod", "gpt-4o", "chat.completions", 2.5m, 1000, 0), new AliasUsage("?", "EstimatedCostUSD", "?", 1m, 0, 0)], rows);
    }

    private static AliasUsage Use(string alias, decimal cost, long input, long output) => new("prod", alias, alias.StartsWith("text-embedding", StringComparison.Ordinal) ? "embeddings" : "chat.completions", cost, input, output);

    private static CustomerConfig Config(string file) =>
        Validator.ForRepository(Repo.Real.Root, Repo.Today).Validate($"customers/{file}.yaml", File.ReadAllText(Repo.Path("customers", $"{file}.yaml"))).Config!;

    private sealed class NoCredentials : IAwsCredentialSource
    {
        public ValueTask<Amazon.Runtime.ImmutableCredentials> GetAsync(CancellationToken cancellationToken) =>
            throw new Amazon.Runtime.AmazonClientException("Failed to resolve AWS credentials");
    }
}
