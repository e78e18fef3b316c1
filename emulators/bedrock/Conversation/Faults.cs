using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>What goes wrong with one request: an error instead of an answer, no answer at all (hang, until the
/// caller gives up), or an exception event part-way through a stream.</summary>
public sealed record FaultPlan(BedrockError? Before, bool Hang, BedrockError? MidStream)
{
    public static readonly FaultPlan None = new(null, false, null);

    public bool Any => Before is not null || Hang || MidStream is not null;

    /// <summary>The plan a [[fault:name]] marker asks for.</summary>
    public static FaultPlan FromMarker(string name) => name switch
    {
        "throttle" => new(BedrockError.Throttling(), false, null),
        "model-timeout" => new(BedrockError.ModelTimeout(), false, null),
        "internal" => new(BedrockError.Internal(), false, null),
        "unavailable" => new(BedrockError.Unavailable(), false, null),
        "access-denied" => new(BedrockError.AccessDenied(), false, null),
        "not-ready" => new(BedrockError.ModelNotReady(), false, null),
        "model-error" => new(BedrockError.ModelError(), false, null),
        "validation" => new(BedrockError.Validation("Emulated validation failure requested by the prompt."), false, null),
        "hang" => new(null, true, null),
        "midstream" => new(null, false, BedrockError.ModelStreamError()),
        "midstream-throttle" => new(null, false, BedrockError.Throttling("Too many tokens, please wait before trying again.")),
        "midstream-internal" => new(null, false, BedrockError.Internal()),
        "midstream-unavailable" => new(null, false, BedrockError.Unavailable()),
        "midstream-validation" => new(null, false, BedrockError.Validation("Emulated validation failure part-way through the stream.")),
        _ => new(BedrockError.Validation($"Unknown emulator fault marker '{name}'."), false, null),
    };
}

/// <summary>Chooses faults: the prompt's marker when there is one, else the rule set through the control endpoint
/// (<see cref="InjectedFaults"/>), else the configured random rates drawn from a seeded generator (so a load test run
/// repeats).</summary>
public sealed class FaultInjector(FaultOptions options, InjectedFaults? injected = null)
{
    private readonly Random _random = new(options.Seed);
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <param name="requestKey">Identifies a request across retries (a hash of its body): "name-once" markers fail
    /// only its first attempt, so a client's retry can be seen to succeed.</param>
    public FaultPlan Decide(Markers markers, string requestKey = "")
    {
        if (markers.Fault is { } marker)
        {
            if (marker.EndsWith("-once", StringComparison.Ordinal))
            {
                return _attempts.AddOrUpdate(requestKey, 1, (_, n) => n + 1) == 1 ? FaultPlan.FromMarker(marker[..^"-once".Length]) : FaultPlan.None;
            }

            return FaultPlan.FromMarker(marker);
        }

        if (injected?.Next() is { Any: true } set)
        {
            return set;
        }

        double roll;
        lock (_lock)
        {
            roll = _random.NextDouble() * 100;
        }

        return Pick(roll, (options.ThrottlingPercent, "throttle"), (options.InternalErrorPercent, "internal"),
            (options.ModelTimeoutPercent, "model-timeout"), (options.MidStreamPercent, "midstream"));
    }

    private static FaultPlan Pick(double roll, params (double Percent, string Marker)[] rates)
    {
        foreach (var (percent, marker) in rates)
        {
            if (roll < percent)
            {
                return FaultPlan.FromMarker(marker);
            }

            roll -= percent;
        }

        return FaultPlan.None;
    }
}
