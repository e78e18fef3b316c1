using BedrockNovaProxy.LoadTests;

namespace BedrockNovaProxy.AppHost.Dashboard;

/// <summary>"Run the load gate" on each proxy path: the customer file's gate (scenario, rate, thresholds), as
/// `loadtests run` runs it on a deployed stage, against that path; the command's result links the HTML report.</summary>
public static class GateCommands
{
    public const string Gate = "load-gate";

    /// <param name="target">The path's base URL (the API Gateway stage, or the container proxy), resolved when run.</param>
    /// <param name="reports">The folder the reports go to (one per path, overwritten by each run).</param>
    public static IResourceBuilder<T> WithGateCommand<T>(this IResourceBuilder<T> proxy, string path, Func<Uri> target, string customerFile,
        string model, string apiKey, string reports) where T : IResource => proxy.WithCommand(Gate, $"Run the load gate ({path})", async context =>
    {
        var duration = context.Arguments.GetString("duration") is { Length: > 0 } d ? d : null;
        var options = new RunOptions(new FileInfo(customerFile), null, null, null, duration, model, null, new DirectoryInfo(reports));
        var code = await Commands.RunAsync(options, target(), apiKey, "Say hello from the dashboard.", context.CancellationToken);
        var html = Path.Combine(reports, "report.html");
        var markdown = File.Exists(Path.Combine(reports, "report.md")) ? await File.ReadAllTextAsync(Path.Combine(reports, "report.md"), context.CancellationToken) : "";
        var link = $"[report.html]({new Uri(html).AbsoluteUri})";
        return code switch
        {
            Commands.Passed => CommandResults.Success($"load gate passed on the {path} path: {html}", $"{link}\n\n{markdown}", CommandResultFormat.Markdown),
            Commands.ThresholdBreached => CommandResults.Failure($"load gate failed on the {path} path: {html}", $"{link}\n\n{markdown}", CommandResultFormat.Markdown),
            _ => CommandResults.Failure($"the load gate could not run on the {path} path (see the AppHost's console)"),
        };
    }, new CommandOptions
    {
        Description = $"The customer file's gate against the {path} path; the result links its HTML report.",
        IconName = "Gauge",
        Arguments = [new InteractionInput { Name = "duration", Label = "Duration", InputType = InputType.Text, Required = false, Placeholder = "the file's gate.duration (30s, 2m)" }],
    });
}
