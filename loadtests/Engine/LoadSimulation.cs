namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>How load is applied, in NBomber's vocabulary. Open models (Inject, RampingInject) set an arrival rate
/// that a slow server cannot slow down; the closed model (KeepConstant) sets a number of copies that each wait for
/// their previous answer.</summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary>A constant arrival rate: <paramref name="rate"/> requests per second.</summary>
    public static LoadSimulation Inject(double rate, TimeSpan during) => new InjectSimulation(rate, rate, during);

    /// <summary>An arrival rate moving linearly from <paramref name="from"/> to <paramref name="to"/> per second.</summary>
    public static LoadSimulation RampingInject(double from, double to, TimeSpan during) => new InjectSimulation(from, to, during);

    /// <summary><paramref name="copies"/> loops, each sending its next request when the previous one is answered.</summary>
    public static LoadSimulation KeepConstant(int copies, TimeSpan during) => new KeepConstantSimulation(copies, during);
}

public sealed record InjectSimulation(double FromRate, double ToRate, TimeSpan During) : LoadSimulation(During);

public sealed record KeepConstantSimulation(int Copies, TimeSpan During) : LoadSimulation(During);

/// <summary>The intended start times of an open model, precomputed so that latency can be measured from when a
/// request should have started, not from when a busy client got round to it (no coordinated omission). Pure.</summary>
public static class ArrivalSchedule
{
    /// <summary>Offsets from the start of the simulation. For a rate r(t) = a + (b - a) t / d, request i starts when
    /// the expected count N(t) = a t + (b - a) t² / 2d reaches i.</summary>
    public static IEnumerable<TimeSpan> Offsets(InjectSimulation simulation)
    {
        var (a, b, d) = (simulation.FromRate, simulation.ToRate, simulation.During.TotalSeconds);
        if (a < 0 || b < 0 || d <= 0)
        {
            throw new ArgumentException("Rates must be non-negative and the duration positive.");
        }

        var total = (a + b) / 2 * d;
        for (var i = 0; i < total; i++)
        {
            yield return TimeSpan.FromSeconds(TimeOf(i, a, b, d));
        }
    }

    private static double TimeOf(double n, double a, double b, double d)
    {
        var slope = (b - a) / d;
        if (Math.Abs(slope) < 1e-12)
        {
            return n / a;
        }

        // Solve slope/2 t² + a t - n = 0 for the positive root.
        return (-a + Math.Sqrt((a * a) + (2 * slope * n))) / slope;
    }
}
