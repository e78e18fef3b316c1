using System.Globalization;
using CsCheck;

namespace BedrockNovaProxy.Tests.Support;

/// <summary>Runs a CsCheck generator over a fixed sequence of seeds, so every CI run tries the same cases (CsCheck's
/// own Sample fixes only the first). On a failure it hands that case's seed to CsCheck, whose sampling shrinks it to
/// a smaller failing case, reported with its seed: that case becomes a row of a unit-test table.
/// BEDROCK_PROXY_FUZZ_SCALE multiplies the number of cases, BEDROCK_PROXY_FUZZ_SEED moves the sequence (a longer
/// local run, docs/reliability.md).</summary>
public static class GeneratedCases
{
    public static int Scale { get; } = int.TryParse(Environment.GetEnvironmentVariable("BEDROCK_PROXY_FUZZ_SCALE"), CultureInfo.InvariantCulture, out var scale) && scale > 0 ? scale : 1;

    public static ulong SeedOffset { get; } = ulong.TryParse(Environment.GetEnvironmentVariable("BEDROCK_PROXY_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 0;

    /// <summary>Checks <paramref name="cases"/> (times the scale) generated values; returns how many ran.</summary>
    public static async Task<int> CheckAsync<T>(Gen<T> gen, Func<T, Task> check, ulong seed, int cases, Func<T, string> print, int shrinkIterations = 300)
    {
        var total = cases * Scale;
        for (var i = 0; i < total; i++)
        {
            var pcg = new PCG(1, seed + SeedOffset + (ulong)i);
            var start = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            try
            {
                await check(value).ConfigureAwait(false);
            }
            catch (Exception first)
            {
                try
                {
                    await gen.SampleAsync(check, seed: start, iter: shrinkIterations, threads: 1, print: print).ConfigureAwait(false);
                }
                catch (Exception shrunk)
                {
                    throw new InvalidOperationException($"Case {i} (seed {start}) failed: {print(value)}\n{first.Message}\nShrunk: {shrunk.Message}", first);
                }

                throw new InvalidOperationException($"Case {i} (seed {start}) failed: {print(value)}\n{first.Message}", first);
            }
        }

        return total;
    }

    /// <summary>The same over plain actions.</summary>
    public static Task<int> Check<T>(Gen<T> gen, Action<T> check, ulong seed, int cases, Func<T, string> print) =>
        CheckAsync(gen, value => { check(value); return Task.CompletedTask; }, seed, cases, print);
}
