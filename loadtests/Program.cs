using System.CommandLine;
using BedrockNovaProxy.LoadTests;

// loadtests: the load gate on a deployed stage (run). The local stack's gate and the benchmarks are local/'s
// (`dotnet run --project local -- gate|bench|coldstart`). Exit codes: 0 pass, 1 a threshold was breached, 2 the run
// could not happen (bad arguments, unreachable target).
const string KeyVariable = "LOADTESTS_API_KEY";
var options = new RunOptionSet();
var target = new Option<Uri>("--target")
{
    Description = $"Base URL of a deployed stage (https://.../prod/). The API key is read from {KeyVariable}, never from a flag.",
    Required = true,
    CustomParser = r => Uri.TryCreate(r.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : Fail(r, $"--target must be an absolute http(s) URL, not '{r.Tokens.Single().Value}'."),
};
var run = options.AddTo(new Command("run", "Apply load to a stage and decide whether it passes the gate.") { target });
run.SetAction((result, ct) => Commands.RunAsync(options.Bind(result), result.GetValue(target)!, Environment.GetEnvironmentVariable(KeyVariable),
    "Reply with one short sentence.", ct));

var root = new RootCommand("The BedrockNovaProxy load gate.") { run };
return await BedrockNovaProxy.Cli.CommandLine.RunAsync(root, args, "loadtests", Commands.CouldNotRun);

static Uri Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
{
    result.AddError(message);
    return null!;
}
