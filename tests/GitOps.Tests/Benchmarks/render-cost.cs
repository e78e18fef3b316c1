#:project ../../../gitops/GitOps.csproj
#:property PublishAot=false
// What a render costs, measured: every committed customer environment rendered in-process through Renderer.Render
// (templates read and parsed, rendered, tidied, content-hashed and self-checked), round after round. Prints, per
// environment, the first render in the process (cold: JIT and parsing), the median and p90 of the warm ones, and the
// median of stack.yaml's template alone (every part it includes; no YAML parsing or self-checks).
// Not a test (timings are the machine's, not the code's): run it by hand, on a quiet machine, from the repository:
//   dotnet run -c Release tests/GitOps.Tests/Benchmarks/render-cost.cs -- [rounds]
using System.Diagnostics;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Rendering;
using BedrockNovaProxy.GitOps.Validation;

var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
var repository = Repository.Find(Environment.CurrentDirectory);
var files = Validator.ForRepository(repository.Root, DateOnly.FromDateTime(DateTime.UtcNow))
    .ValidateAll(Validator.Discover([Path.Combine(repository.Root, "customers")]))
    .Where(f => !f.HasErrors)
    .ToList();
var renderer = Renderer.ForRepository(repository.Root);
var stackTemplate = Path.GetFileName(Directory.EnumerateFiles(Path.Combine(repository.Root, "templates"), "stack.yaml.*").Single());

double Milliseconds(Action render)
{
    var clock = Stopwatch.StartNew();
    render();
    return clock.Elapsed.TotalMilliseconds;
}

var cold = files.ToDictionary(f => f.Path, f => Milliseconds(() => renderer.Render(f.Config!, f.Path)));
var warm = files.ToDictionary(f => f.Path, _ => new List<double>());
var template = files.ToDictionary(f => f.Path, _ => new List<double>());
for (var round = 0; round < rounds; round++)
{
    foreach (var file in files)
    {
        var ms = Milliseconds(() => renderer.Render(file.Config!, file.Path));
        var model = new RenderModel(file.Config!, StackFacts.From(file.Config!, file.Path));
        var templateMs = Milliseconds(() => renderer.RenderTemplate(stackTemplate, model));
        if (round >= rounds / 10)
        {
            warm[file.Path].Add(ms); // the first tenth of the rounds warms up (tiered JIT)
            template[file.Path].Add(templateMs);
        }
    }
}

static double Percentile(List<double> values, double p) => values.Order().ElementAt((int)Math.Round(p * (values.Count - 1)));

Console.WriteLine($"{files.Count} environments, {rounds} rounds ({rounds - rounds / 10} measured), {Environment.ProcessorCount} cores");
Console.WriteLine($"{"environment",-32} {"first ms",9} {"median ms",10} {"p90 ms",8} {stackTemplate + " median ms",26}");
foreach (var file in files)
{
    Console.WriteLine($"{file.Path,-32} {cold[file.Path],9:F1} {Percentile(warm[file.Path], 0.5),10:F2} {Percentile(warm[file.Path], 0.9),8:F2} {Percentile(template[file.Path], 0.5),26:F2}");
}

List<double> All(Dictionary<string, List<double>> times) => [.. times.Values.SelectMany(v => v)];
Console.WriteLine($"{"all (first: sum)",-32} {cold.Values.Sum(),9:F1} {Percentile(All(warm), 0.5),10:F2} {Percentile(All(warm), 0.9),8:F2} {Percentile(All(template), 0.5),26:F2}");
