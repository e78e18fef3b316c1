using System.Globalization;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Smoke;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops smoke --endpoint &lt;url&gt; [--config file] [--models a,b] [--timeout 30s] [--summary file]
/// [--api-key-env NAME]</c>: the deployment test of a stage (green or prod). The API key comes from an environment
/// variable only. Exit codes: 0 every check passed, 1 a check failed (an unreachable endpoint included), 2 unusable
/// arguments (no key in the environment, a bad URL or duration, an unreadable customer file).</summary>
public static class SmokeCommand
{
    public const string DefaultKeyVariable = "BNP_SMOKE_API_KEY";

    public sealed record Arguments(string Endpoint, string? Config = null, string? Models = null, string Timeout = "30s", string? Summary = null,
        string KeyVariable = DefaultKeyVariable);

    public static async Task<int> RunAsync(Repository repo, Arguments args, Func<string, string?> environment, TextWriter output, TextWriter error,
        TimeProvider time, DateOnly today, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(args.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"gitops: --endpoint '{args.Endpoint}' is not an http(s) URL (e.g. https://api.example.com/green)");
            return Repository.Usage;
        }

        if (!Durations.TryParse(args.Timeout, out var timeout))
        {
            error.WriteLine($"gitops: --timeout '{args.Timeout}' is not a positive duration (e.g. 500ms, 30s, 2m)");
            return Repository.Usage;
        }

        var models = args.Models?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (models is { Length: 0 })
        {
            error.WriteLine("gitops: --models names no model");
            return Repository.Usage;
        }

        CustomerConfig? config = null;
        if (args.Config is { } file && (config = CustomerArgument.Load(repo, file, today, error)) is null)
        {
            return Repository.Usage;
        }

        if (environment(args.KeyVariable) is not { Length: > 0 } key)
        {
            error.WriteLine($"gitops: no API key: set the environment variable {args.KeyVariable} (the key is read from there only, and never printed)");
            return Repository.Usage;
        }

        var plan = SmokePlan.For(endpoint, config, models, timeout);
        SmokeRun run;
        // No redirects: a stage that answers 301 is not the stage under test.
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = timeout }) { Timeout = Timeout.InfiniteTimeSpan })
        {
            run = await new SmokeTest(http, time).RunAsync(plan, key, cancellationToken);
        }

        var table = Table(plan, run);
        var verdict = Verdict(run);
        Report.Write(output, table);
        output.WriteLine(verdict);
        StepSummary.Write($"### gitops smoke\n\n{Report.Markdown(table)}**{verdict}**\n", args.Summary, environment);

        if (run.Unreachable is { } why)
        {
            error.WriteLine($"gitops: {plan.Endpoint} is unreachable: {why}");
        }
        else if (!run.Passed)
        {
            error.WriteLine($"gitops: smoke test failed: {string.Join(", ", run.Results.Where(r => r.Outcome == Outcome.Fail).Select(r => r.Check))}");
        }

        return run.Passed ? Repository.Ok : Repository.Failed;
    }

    public static ReportTable Table(SmokePlan plan, SmokeRun run) => new(
        $"Smoke test of {plan.Endpoint}",
        ["Check", "Result", "What it saw", "Latency"],
        [.. run.Results.Select(r => (IReadOnlyList<string>)[r.Check, r.Outcome.ToString().ToLowerInvariant(), r.Saw,
            r.Latency is { } l ? l.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms" : ""])],
        Status: 1,
        Right: new HashSet<int> { 3 });

    private static string Verdict(SmokeRun run)
    {
        var failed = run.Results.Count(r => r.Outcome == Outcome.Fail);
        var passed = run.Results.Count(r => r.Outcome == Outcome.Pass);
        var skipped = run.Results.Count - failed - passed;
        return failed == 0
            ? $"all {passed} checks passed{(skipped > 0 ? $" ({skipped} skipped)" : "")}"
            : $"{failed} of {run.Results.Count} checks failed{(skipped > 0 ? $", {skipped} not run" : "")}";
    }
}
