using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.LoadTests.Engine;
using BedrockNovaProxy.LoadTests.Gate;
using BedrockNovaProxy.LoadTests.Reports;
using BedrockNovaProxy.LoadTests.Scenarios;
using BedrockNovaProxy.Timing;
using Spectre.Console;

namespace BedrockNovaProxy.LoadTests;

/// <summary>What a gate run is asked for: the customer file whose gate it runs (else the defaults), overrides of its
/// scenario, rate and duration, and what to call with.</summary>
public sealed record RunOptions(
    FileInfo? Config, string? Scenario, double? Rate, double? RampTo, string? Duration, string Model, string? Prompt, DirectoryInfo Report,
    FileInfo? Baseline = null);

/// <summary>The options of a gate run, shared by `loadtests run` (a deployed stage) and `local gate` (the local stack).</summary>
public sealed class RunOptionSet
{
    public Option<FileInfo?> Config { get; } = new("--config") { Description = "A customer YAML whose gate: section sets scenario, load and thresholds." };
    public Option<string?> Scenario { get; } = new("--scenario") { Description = "chat, chat-stream, models or mix (default: the gate's, else mix)." };
    public Option<double?> Rate { get; } = new("--rate") { Description = "Arrival rate, requests per second (open model)." };
    public Option<double?> RampTo { get; } = new("--ramp-to") { Description = "Ramp the arrival rate linearly from --rate to this rate over the duration." };
    public Option<string?> Duration { get; } = new("--duration") { Description = "How long to apply load: 30s, 2m..." };
    public Option<string> Model { get; } = new("--model") { Description = "Model alias to call.", DefaultValueFactory = _ => "gpt-4o-mini" };
    public Option<string?> Prompt { get; } = new("--prompt") { Description = "User message to send." };
    public Option<FileInfo?> Baseline { get; } = new("--baseline") { Description = "The report.json of the run that last promoted prod: this run is set against it (and gated by gate.thresholds.max_regression_percent)." };
    public Option<DirectoryInfo> Report { get; } = new("--report") { Description = "Folder for report.json, report.md, report.html.", DefaultValueFactory = _ => new DirectoryInfo("loadtests/reports/latest") };

    public Command AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, Scenario, Rate, RampTo, Duration, Model, Prompt, Report, Baseline })
        {
            command.Options.Add(option);
        }

        return command;
    }

    public RunOptions Bind(ParseResult result) => new(result.GetValue(Config), result.GetValue(Scenario), result.GetValue(Rate), result.GetValue(RampTo),
        result.GetValue(Duration), result.GetValue(Model)!, result.GetValue(Prompt), result.GetValue(Report)!, result.GetValue(Baseline));
}

/// <summary>The gate: load on a stage, thresholds on what it measured, reports.</summary>
public static class Commands
{
    public const int Passed = 0, ThresholdBreached = 1, CouldNotRun = 2;

    /// <summary>The gate the options ask for: the file's, with the command line's overrides.</summary>
    /// <exception cref="ArgumentException">Something asked for cannot be run; the message says what.</exception>
    public static GateConfig Resolve(RunOptions options)
    {
        try
        {
            var gate = options.Config is null ? GateConfig.Default : GateConfig.From(CustomerFile.Read(options.Config.FullName).Gate);
            gate = gate with
            {
                Scenario = options.Scenario ?? gate.Scenario,
                Rate = options.Rate ?? gate.Rate,
                Duration = options.Duration is { } d ? Durations.Parse(d) : gate.Duration,
            };
            return OpenAiScenarios.Names.Contains(gate.Scenario) && gate.Rate > 0
                ? gate
                : throw new ArgumentException($"Scenario must be one of {string.Join(", ", OpenAiScenarios.Names)}, and the rate positive.");
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <param name="apiKey">The key to call with: a deployed stage's comes from LOADTESTS_API_KEY only, never a flag.</param>
    /// <param name="defaultPrompt">The prompt when the options name none.</param>
    /// <param name="afterRun">What the caller adds to the console once the load is off (the local stack's heap).</param>
    public static async Task<int> RunAsync(RunOptions options, Uri target, string? apiKey, string defaultPrompt, CancellationToken ct, Action? afterRun = null)
    {
        GateConfig gate;
        try
        {
            gate = Resolve(options);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"loadtests: {e.Message}");
            return CouldNotRun;
        }

        ScenarioStats? baseline = null;
        if (options.Baseline is { } baselineFile)
        {
            try
            {
                baseline = RunReport.ReadStats(baselineFile.FullName);
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"loadtests: the baseline {baselineFile.FullName} is not a report.json: {e.Message}");
                return CouldNotRun;
            }
        }

        var baseUrl = new Uri(target.ToString().TrimEnd('/') + "/");
        using var http = CreateClient(baseUrl);
        if (!await ReachableAsync(http, ct))
        {
            Console.Error.WriteLine($"loadtests: {baseUrl} does not answer GET /health.");
            return CouldNotRun;
        }

        var scenarios = new OpenAiScenarios(http, options.Model, options.Prompt ?? defaultPrompt, apiKey);
        var scenario = Scenario.Create(gate.Scenario, scenarios.Step(gate.Scenario))
            .WithLoadSimulations(options.RampTo is { } to ? LoadSimulation.RampingInject(gate.Rate, to, gate.Duration) : LoadSimulation.Inject(gate.Rate, gate.Duration));
        var startedAt = DateTimeOffset.UtcNow;
        var stats = await WithProgressAsync(scenario, ct);
        afterRun?.Invoke();

        var comparisons = baseline is null ? null : Regression.Compare(baseline, stats, gate.Thresholds.MaxRegressionPercent);
        IReadOnlyList<ThresholdResult> verdicts = [.. Thresholds.Evaluate(gate.Thresholds, stats),
            .. comparisons is not null && gate.Thresholds.MaxRegressionPercent is { } max ? Regression.AsThresholds(comparisons, max) : []];
        var result = new RunReport(baseUrl.ToString(), gate.Scenario,
            string.Create(CultureInfo.InvariantCulture, $"{gate.Rate}{(options.RampTo is { } r ? $" -> {r}" : "")} req/s for {gate.Duration.TotalSeconds} s"), startedAt, stats, verdicts, comparisons);
        await result.WriteAsync(options.Report.FullName);
        var markdown = MarkdownReport.Render(result);
        Console.WriteLine(markdown);
        StepSummary.Write(markdown, null, Environment.GetEnvironmentVariable);
        Console.WriteLine($"Reports in {options.Report.FullName}");
        return result.Passed ? Passed : ThresholdBreached;
    }

    /// <summary>A client for load: enough connections for the rate, no decompression, a generous timeout.</summary>
    public static HttpClient CreateClient(Uri baseUrl) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 1024,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Runs a scenario with a progress line on a terminal, a plain line elsewhere.</summary>
    public static async Task<ScenarioStats> WithProgressAsync(Scenario scenario, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine($"running {scenario.Name}...");
            return await new Runner(PreciseTimeProvider.Instance).RunAsync(scenario, ct);
        }

        return await AnsiConsole.Status().StartAsync($"{scenario.Name}: starting", async context =>
            await new Runner(PreciseTimeProvider.Instance) { Progress = (name, done) => context.Status($"{name}: {done} requests completed") }.RunAsync(scenario, ct));
    }

    private static async Task<bool> ReachableAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
