using BedrockNovaProxy.LoadTests;

namespace BedrockNovaProxy.Local;

/// <summary>Random Bedrock faults of the local stack, as percentages of calls.</summary>
public sealed record LocalFaults(double Throttling, double Internal, double Timeout, double MidStream)
{
    public static readonly LocalFaults None = new(0, 0, 0, 0);
}

/// <summary>The load gate on the local stack: the proxy and the local Bedrock in this process, the emulated model as
/// fast as asked, faults injected on purpose. What CI runs to prove the gate passes and fails when it must.</summary>
public static class LocalGate
{
    /// <summary>A fixed 32-token answer, so every run asks the emulated model for the same work.</summary>
    public const string Prompt = "[[tokens:32]] Reply briefly.";

    public static async Task<int> RunAsync(RunOptions options, LocalFaults faults, int ttftMs, double tps, CancellationToken ct)
    {
        await using var stack = await StartAsync(ttftMs, tps, faults);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        return await Commands.RunAsync(options, stack.ProxyUrl, InProcessStack.ApiKey, Prompt, ct, () =>
            // The proxy and the emulator live in this process: a heap that keeps growing under load would show here.
            Console.WriteLine($"managed heap after a full GC: {heapBefore / 1048576.0:F1} MiB before the run, {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB after; working set {Environment.WorkingSet / 1048576.0:F1} MiB"));
    }

    public static Task<InProcessStack> StartAsync(int ttftMs, double tps, LocalFaults faults) => InProcessStack.StartAsync(bedrock: o =>
    {
        o.Latency.TimeToFirstToken = TimeSpan.FromMilliseconds(ttftMs);
        o.Latency.TokensPerSecond = tps;
        (o.Faults.ThrottlingPercent, o.Faults.InternalErrorPercent, o.Faults.ModelTimeoutPercent, o.Faults.MidStreamPercent) =
            (faults.Throttling, faults.Internal, faults.Timeout, faults.MidStream);
    });
}
