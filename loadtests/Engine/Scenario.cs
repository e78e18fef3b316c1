namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>The outcome of one scenario call. Time to first token and the gaps between streamed chunks are
/// reported by streaming scenarios; others leave them empty.</summary>
public sealed record StepResult(bool Ok, int StatusCode, TimeSpan? TimeToFirstToken = null, IReadOnlyList<TimeSpan>? Gaps = null, string? Error = null)
{
    public static StepResult Success(int status = 200, TimeSpan? ttft = null, IReadOnlyList<TimeSpan>? gaps = null) => new(true, status, ttft, gaps);

    public static StepResult Fail(int status, string error) => new(false, status, Error: error);
}

/// <summary>A named piece of load: what one call does, and how calls are applied over time (NBomber's Scenario).</summary>
public sealed record Scenario(string Name, Func<CancellationToken, Task<StepResult>> Step, IReadOnlyList<LoadSimulation> Simulations)
{
    public static Scenario Create(string name, Func<CancellationToken, Task<StepResult>> step) => new(name, step, []);

    public Scenario WithLoadSimulations(params LoadSimulation[] simulations) => this with { Simulations = simulations };
}
