using BedrockNovaProxy.Aws;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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

    /// <summary>An endpoint that speaks HTTP/2 with prior knowledge and no TLS (h2c), like <c>http://127.0.0.1:5006</c>:
    /// what AWS's JavaScript SDK speaks to an http:// endpoint. Unset: none (the standalone emulator opens one on 5006).</summary>
    public string? Http2Url { get; set; }

    /// <summary>An HTTPS endpoint offering h2 and http/1.1 by ALPN, as Bedrock does, like <c>https://127.0.0.1:5443</c>, on a
    /// certificate from a CA generated at start (see <see cref="TlsOptions"/>). Unset: none (the standalone emulator opens one on 5443).</summary>
    public string? HttpsUrl { get; set; }

    public TlsOptions Tls { get; set; } = new();

    public LatencyOptions Latency { get; set; } = new();

    public FaultOptions Faults { get; set; } = new();

    public StsOptions Sts { get; set; } = new();
}

/// <summary>The HTTPS endpoint's certificate: issued at every start by a new local CA, whose certificate is written as PEM
/// for clients to trust (AWS_CA_BUNDLE for the proxy and AWS's SDKs, NODE_EXTRA_CA_CERTS for Node).</summary>
public sealed class TlsOptions
{
    /// <summary>Where the CA certificate (ca.pem) is written. Unset: a new temporary folder, removed when the emulator stops.</summary>
    public string? Directory { get; set; }

    /// <summary>What ALPN offers: Http1AndHttp2 (Bedrock's), or Http1 to see a client fall back when HTTP/2 is not offered.</summary>
    public HttpProtocols Protocols { get; set; } = HttpProtocols.Http1AndHttp2;
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
