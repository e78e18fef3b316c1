using System.CommandLine;
using BedrockNovaProxy.LoadTests;

// loadgate: the load gate (run) and the benchmarks (bench). Exit codes: 0 pass, 1 a threshold was breached,
// 2 the run could not happen (bad arguments, unreachable target).
var target = new Option<string?>("--target") { Description = "Base URL of a deployed stage (https://.../prod/). Without it, the local stack is started in-process." };
var config = new Option<FileInfo?>("--config") { Description = "A customer YAML whose gate: section sets scenario, load and thresholds." };
var scenario = new Option<string?>("--scenario") { Description = "chat, chat-stream, models or mix (default: the gate's, else mix)." };
var rate = new Option<double?>("--rate") { Description = "Arrival rate, requests per second (open model)." };
var rampTo = new Option<double?>("--ramp-to") { Description = "Ramp the arrival rate linearly from --rate to this rate over the duration." };
var duration = new Option<string?>("--duration") { Description = "How long to apply load: 30s, 2m..." };
var model = new Option<string>("--model") { Description = "Model alias to call.", DefaultValueFactory = _ => "gpt-4o-mini" };
var prompt = new Option<string?>("--prompt") { Description = "User message to send. Locally it defaults to a fixed 32-token answer." };
var report = new Option<DirectoryInfo>("--report") { Description = "Folder for report.json, report.md, report.html.", DefaultValueFactory = _ => new DirectoryInfo("loadtests/reports/latest") };
var faults = new Option<double>("--fault-percent") { Description = "Local stack only: percentage of Bedrock calls that are throttled.", DefaultValueFactory = _ => 0 };
var internalFaults = new Option<double>("--internal-percent") { Description = "Local stack only: percentage of Bedrock calls failing with an internal error.", DefaultValueFactory = _ => 0 };
var timeoutFaults = new Option<double>("--timeout-percent") { Description = "Local stack only: percentage of Bedrock calls failing with a model timeout.", DefaultValueFactory = _ => 0 };
var midstreamFaults = new Option<double>("--midstream-percent") { Description = "Local stack only: percentage of Bedrock streams failing half-way.", DefaultValueFactory = _ => 0 };
var ttft = new Option<int>("--ttft-ms") { Description = "Local stack only: the emulated model's time to first token.", DefaultValueFactory = _ => 50 };
var tps = new Option<double>("--tps") { Description = "Local stack only: the emulated model's tokens per second.", DefaultValueFactory = _ => 400 };

var run = new Command("run", "Apply load to a stage and decide whether it passes the gate.") { target, config, scenario, rate, rampTo, duration, model, prompt, report, faults, internalFaults, timeoutFaults, midstreamFaults, ttft, tps };
run.SetAction((result, ct) => Commands.RunAsync(new RunOptions(
    result.GetValue(target), result.GetValue(config), result.GetValue(scenario), result.GetValue(rate), result.GetValue(rampTo), result.GetValue(duration),
    result.GetValue(model)!, result.GetValue(prompt), result.GetValue(report)!,
    new LocalFaults(result.GetValue(faults), result.GetValue(internalFaults), result.GetValue(timeoutFaults), result.GetValue(midstreamFaults)),
    result.GetValue(ttft), result.GetValue(tps)), ct));

var benchDuration = new Option<string>("--duration") { Description = "Load per measurement.", DefaultValueFactory = _ => "10s" };
var benchRate = new Option<double>("--rate") { Description = "Arrival rate of the overhead comparison.", DefaultValueFactory = _ => 50 };
var bench = new Command("bench", "Measure the proxy against calling the Bedrock emulator directly, in the same run.") { benchDuration, benchRate, report, ttft, tps };
bench.SetAction((result, ct) => Commands.BenchAsync(result.GetValue(benchDuration)!, result.GetValue(benchRate), result.GetValue(report)!,
    result.GetValue(ttft), result.GetValue(tps), ct));

var aot = new Option<FileInfo>("--aot") { Description = "The Native AOT build of the service (bootstrap).", Required = true };
var jit = new Option<FileInfo>("--jit") { Description = "The framework-dependent build (BedrockNovaProxy.dll).", Required = true };
var runs = new Option<int>("--runs") { Description = "Cold starts per build.", DefaultValueFactory = _ => 5 };
var burst = new Option<int>("--burst") { Description = "Invocations after the cold start, for throughput and memory.", DefaultValueFactory = _ => 400 };
var coldStart = new Command("coldstart", "Cold start, throughput and memory of the Lambda worker: Native AOT against JIT.") { aot, jit, runs, burst, report };
coldStart.SetAction((result, ct) => ColdStart.RunAsync(result.GetValue(aot)!.FullName, result.GetValue(jit)!.FullName, result.GetValue(runs),
    result.GetValue(burst), result.GetValue(report)!, ct));

var root = new RootCommand("The BedrockNovaProxy load gate and benchmarks.") { run, bench, coldStart };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    return 2;
}

return await parsed.InvokeAsync();
