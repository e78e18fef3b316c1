using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>A fault set from outside (the control endpoint, the AppHost dashboard) rather than by a prompt marker:
/// one kind of failure for the next N calls, or for a share of calls until cleared. One rule at a time; setting a
/// new one replaces it. A prompt's own marker still wins over it.</summary>
public sealed class InjectedFaults(int seed = 1)
{
    /// <summary>The names the control endpoint takes, and the marker each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["throttle"] = "throttle",             // ThrottlingException, 429
        ["internal"] = "internal",             // InternalServerException, 500
        ["unavailable"] = "unavailable",       // ServiceUnavailableException, 503
        ["timeout"] = "model-timeout",         // ModelTimeoutException, 408: Bedrock's own timeout, answered at once
        ["hang"] = "hang",                     // no answer until the caller gives up
        ["broken-stream"] = "midstream",       // a stream that breaks half-way with an exception event
    };

    private sealed record Rule(string Kind, int? Remaining, double? Percent, long Injected);

    private readonly Lock _lock = new();
    private readonly Random _random = new(seed);
    private Rule? _rule;

    /// <summary>Why a rule cannot be set, or null when it can: a known kind and exactly one of count and percent.</summary>
    public static string? Check(string? kind, int? count, double? percent) => kind switch
    {
        null => "'fault' is required",
        _ when !Kinds.ContainsKey(kind) => $"unknown fault '{kind}'; one of {string.Join(", ", Kinds.Keys)}",
        _ when count is null == percent is null => "give exactly one of 'count' (the next N calls) and 'percent' (a share of calls)",
        _ when count is < 1 => "'count' must be at least 1",
        _ when percent is <= 0 or > 100 => "'percent' must be more than 0 and at most 100",
        _ => null,
    };

    public void Set(string kind, int? count, double? percent)
    {
        if (Check(kind, count, percent) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        lock (_lock)
        {
            _rule = new Rule(kind, count, percent, 0);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rule = null;
        }
    }

    /// <summary>The plan for one call under the current rule; None when no rule applies to it. A count rule ends by
    /// itself after its last call.</summary>
    public FaultPlan Next()
    {
        lock (_lock)
        {
            if (_rule is not { } rule || (rule.Percent is { } percent && _random.NextDouble() * 100 >= percent))
            {
                return FaultPlan.None;
            }

            _rule = rule.Remaining is 1 ? null : rule with { Remaining = rule.Remaining - 1, Injected = rule.Injected + 1 };
            return FaultPlan.FromMarker(Kinds[rule.Kind]);
        }
    }

    /// <summary>The rule in force as JSON: {"fault":null} when none.</summary>
    public JsonObject Snapshot()
    {
        lock (_lock)
        {
            return _rule is not { } rule
                ? new JsonObject { ["fault"] = null }
                : new JsonObject { ["fault"] = rule.Kind, ["remaining"] = rule.Remaining, ["percent"] = rule.Percent, ["injected"] = rule.Injected };
        }
    }
}
