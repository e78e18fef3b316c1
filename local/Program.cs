using System.CommandLine;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.LoadTests;
using BedrockNovaProxy.Local;
using BedrockNovaProxy.Local.Bench;
using BedrockNovaProxy.Local.Rehearsal;

// local: the whole stack in this process (the local Bedrock, the local Lambda + API Gateway, the proxy), and what runs
// against it: the load gate (gate), the overhead benchmark (bench), the Lambda cold-start comparison (coldstart) and a
// customer file's whole pipeline (rehearse). Exit codes: 0 pass, 1 a threshold or step failed, 2 the run could not
// happen (bad arguments).
Option<int> Ttft() => new("--ttft-ms") { Description = "The emulated model's time to first token.", DefaultValueFactory = _ => 50 };
Option<double> Tps() => new("--tps") { Description = "The emulated model's tokens per second.", DefaultValueFactory = _ => 400 };
Option<double> Percent(string name, string what) => new(name) { Description = $"Percentage of Bedrock calls {what}.", DefaultValueFactory = _ => 0 };

var gateOptions = new RunOptionSet();
var throttled = Percent("--fault-percent", "that are throttled");
var internalFaults = Percent("--internal-percent", "failing with an internal error");
var timeouts = Percent("--timeout-percent", "failing with a model timeout");
var midstream = Percent("--midstream-percent", "whose stream fails half-way");
var gateTtft = Ttft();
var gateTps = Tps();
var gate = gateOptions.AddTo(new Command("gate", "The load gate against the local stack, with faults injected on purpose if asked.")
    { throttled, internalFaults, timeouts, midstream, gateTtft, gateTps });
gate.SetAction((r, ct) => LocalGate.RunAsync(gateOptions.Bind(r),
    new LocalFaults(r.GetValue(throttled), r.GetValue(internalFaults), r.GetValue(timeouts), r.GetValue(midstream)), r.GetValue(gateTtft), r.GetValue(gateTps), ct));

var benchDuration = new Option<string>("--duration") { Description = "Load per measurement.", DefaultValueFactory = _ => "10s" };
var benchRate = new Option<double>("--rate") { Description = "Arrival rate of the overhead comparison.", DefaultValueFactory = _ => 50 };
var benchReport = new Option<DirectoryInfo>("--report") { Description = "Folder for bench.md and bench.json.", DefaultValueFactory = _ => new DirectoryInfo("loadtests/reports/bench") };
var benchTtft = Ttft();
var benchTps = Tps();
var benchLimits = new Option<bool>("--shared-limits") { Description = "Instead: shared limits (leased from a local DynamoDB) against per-process limits, at --rate (needs node and dynalite)." };
var benchStreams = new Option<int>("--streams") { Description = "Instead: this many streams at a time against the running processes --proxy-url and --bedrock-url (scripts/bench.sh)." };
var benchProxy = new Option<string?>("--proxy-url") { Description = "With --streams: the running proxy." };
var benchBedrock = new Option<string?>("--bedrock-url") { Description = "With --streams: the running local Bedrock (plain HTTP)." };
var benchKey = new Option<string?>("--api-key") { Description = "With --streams: the proxy's API key." };
var benchReps = new Option<int>("--reps") { Description = "With --streams: interleaved repetitions.", DefaultValueFactory = _ => 3 };
var bench = new Command("bench", "The proxy against the local Bedrock called directly, in the same run.")
    { benchDuration, benchRate, benchReport, benchTtft, benchTps, benchLimits, benchStreams, benchProxy, benchBedrock, benchKey, benchReps };
bench.SetAction((r, ct) => !Durations.TryParse(r.GetValue(benchDuration), out var during)
    ? Task.FromResult(Usage($"--duration: '{r.GetValue(benchDuration)}' is not a duration (500ms, 30s, 2m)."))
    : r.GetValue(benchStreams) > 0
        ? Uri.TryCreate(r.GetValue(benchProxy), UriKind.Absolute, out var proxyUrl) && Uri.TryCreate(r.GetValue(benchBedrock), UriKind.Absolute, out var bedrockUrl)
            ? StreamBench.RunAsync(proxyUrl, bedrockUrl, r.GetValue(benchKey) ?? "", r.GetValue(benchStreams), r.GetValue(benchReps), during, r.GetValue(benchTtft), r.GetValue(benchTps), ct)
            : Task.FromResult(Usage("--streams needs --proxy-url and --bedrock-url."))
    : r.GetValue(benchLimits) ? LimitsBench.RunAsync(during, r.GetValue(benchRate), r.GetValue(benchReport)!, ct)
    : Bench.RunAsync(during, r.GetValue(benchRate), r.GetValue(benchReport)!, r.GetValue(benchTtft), r.GetValue(benchTps), ct));

var aot = new Option<FileInfo>("--aot") { Description = "The Native AOT build of the service (bootstrap).", Required = true };
var jit = new Option<FileInfo>("--jit") { Description = "The framework-dependent build (BedrockNovaProxy.dll).", Required = true };
var runs = new Option<int>("--runs") { Description = "Cold starts per build.", DefaultValueFactory = _ => 5 };
var burst = new Option<int>("--burst") { Description = "Invocations after the cold start, for throughput and memory.", DefaultValueFactory = _ => 400 };
var coldReport = new Option<DirectoryInfo>("--report") { Description = "Folder for coldstart.md.", DefaultValueFactory = _ => new DirectoryInfo("loadtests/reports/coldstart") };
var assumeRole = new Option<bool>("--assume-role") { Description = "Sign Bedrock calls with a role the worker assumes at the local STS first (Proxy:Bedrock:AssumeRoleArn)." };
var coldStart = new Command("coldstart", "Cold start, throughput and memory of the Lambda worker: Native AOT against JIT.") { aot, jit, runs, burst, coldReport, assumeRole };
coldStart.SetAction((r, ct) => ColdStart.RunAsync(r.GetValue(aot)!.FullName, r.GetValue(jit)!.FullName, r.GetValue(runs), r.GetValue(burst), r.GetValue(coldReport)!, r.GetValue(assumeRole), ct));

var rehearseFile = new Argument<string>("file") { Description = "The customer file (customers/<customer>/<environment>.yaml)." };
var rehearseDuration = new Option<string?>("--duration") { Description = "Load gate duration instead of the file's gate.duration (30s, 2m)." };
var rehearseRate = new Option<double?>("--rate") { Description = "Load gate arrival rate instead of the file's gate.rate." };
var rehearseReport = new Option<string>("--report") { Description = "Folder for the gate's reports.", DefaultValueFactory = _ => "artifacts/rehearsal" };
var rehearse = new Command("rehearse", "A customer file's whole pipeline locally: validate, render, the proxy with the file's settings on the local Bedrock, smoke, gate, and the decision prod would get.")
    { rehearseFile, rehearseDuration, rehearseRate, rehearseReport };
rehearse.SetAction((r, ct) => RehearseCommand.RunAsync(Repository.Find(),
    new RehearseCommand.Arguments(r.GetValue(rehearseFile)!, r.GetValue(rehearseDuration), r.GetValue(rehearseRate), r.GetValue(rehearseReport)!),
    Console.Out, Console.Error, TimeProvider.System, DateOnly.FromDateTime(DateTime.UtcNow), ct));

var root = new RootCommand("The BedrockNovaProxy stack on this machine, in one process: its load gate, benchmarks and rehearsals.") { gate, bench, coldStart, rehearse };
return await CommandLine.RunAsync(root, args, "local", Commands.CouldNotRun);

static int Usage(string message)
{
    Console.Error.WriteLine($"local: {message}");
    return Commands.CouldNotRun;
}
