using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Emulators.Bedrock;

/// <summary>Configuration section "Emulator". Every knob has a per-request override marker in the prompt
/// (see docs/emulators.md), so tests can be exact while load tests use the configured defaults.</summary>
public sealed class BedrockEmulatorOptions
{
    /// <summary>The Region the emulator pretends to be; signatures must be scoped to it and inference profiles
    /// must belong to its geography.</summary>
    public string Region { get; set; } = LocalCredentials.Region;

    /// <summary>When false, any request is accepted unsigned (handy for curl). Signed requests are still verified.</summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>Adds Bedrock's unmodelled "p" padding field to stream events, proving that clients ignore it.</summary>
    public bool PadStreamEvents { get; set; } = true;

    public LatencyOptions Latency { get; set; } = new();

    public FaultOptions Faults { get; set; } = new();

    public StsOptions Sts { get; set; } = new();
}

/// <summary>The emulated STS (POST / with Action=AssumeRole), which issues the temporary credentials Bedrock accepts.</summary>
public sealed class StsOptions
{
    /// <summary>Role ARNs whose trust policy "refuses" every caller: AssumeRole answers 403 AccessDenied.</summary>
    public List<string> DeniedRoleArns { get; set; } = [];

    /// <summary>Every role's MaxSessionDuration (IAM's default is one hour); a longer DurationSeconds is a ValidationError.</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(1);
}

public sealed class LatencyOptions
{
    /// <summary>Delay before the first output token (and before a non-streamed answer starts).</summary>
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.Zero;

    /// <summary>Output rate after the first token; 0 means as fast as possible.</summary>
    public double TokensPerSecond { get; set; }
}

/// <summary>Random faults, as percentages of requests (0-100), drawn from a seeded generator so a run repeats.</summary>
public sealed class FaultOptions
{
    public double ThrottlingPercent { get; set; }

    public double InternalErrorPercent { get; set; }

    public double ModelTimeoutPercent { get; set; }

    public double MidStreamPercent { get; set; }

    public int Seed { get; set; } = 1;
}
