using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Functions;

/// <summary>GET /health: liveness. The process runs and answers; nothing else is checked.</summary>
public sealed class Health : IFunction
{
    public Task InvokeAsync(HttpContext context) => Pipeline.JsonAnswer.WriteAsync(context.Response, new HealthStatus("ok", null), FunctionsJsonContext.Default.HealthStatus, context.RequestAborted);
}

/// <summary>GET /ready: readiness. The configuration was validated at start (an invalid one never starts), so this
/// checks that the credentials Bedrock calls are signed with resolve (the assumed role's, when one is configured) and
/// that Bedrock's endpoint answers (its TLS certificate trusted); 503 with the reason otherwise.</summary>
public sealed class Ready(Readiness readiness) : IFunction
{
    public async Task InvokeAsync(HttpContext context)
    {
        var (ready, reason) = await readiness.CheckAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await Pipeline.JsonAnswer.WriteAsync(context.Response, new HealthStatus(ready ? "ready" : "not_ready", reason), FunctionsJsonContext.Default.HealthStatus, context.RequestAborted)
            .ConfigureAwait(false);
    }
}

public sealed record HealthStatus(string Status, string? Reason);

/// <summary>Resolves credentials at most every <see cref="CacheFor"/>: probes must stay cheap, and a failed
/// resolution (which may wait on instance metadata) must not be retried on every probe.</summary>
/// <param name="probe">Null when Bedrock's endpoint answers, else why not (BedrockRuntimeClient.ProbeAsync).</param>
public sealed class Readiness(IAwsCredentialSource credentials, TimeProvider time, Func<CancellationToken, Task<string?>>? probe = null)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (bool Ready, string? Reason, DateTimeOffset At)? _last;

    public async Task<(bool Ready, string? Reason)> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < CacheFor)
            {
                return (last.Ready, last.Reason);
            }

            using var timeout = new CancellationTokenSource(CheckTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            (bool, string?) result;
            try
            {
                var creds = await credentials.GetAsync(linked.Token).ConfigureAwait(false);
                result = string.IsNullOrEmpty(creds.AccessKey) ? (false, "AWS credentials resolved to an empty access key.")
                    : probe is not null && await probe(linked.Token).ConfigureAwait(false) is { } unreachable ? (false, unreachable)
                    : (true, null);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                result = (false, $"AWS credentials could not be resolved, or Amazon Bedrock did not answer, within {CheckTimeout.TotalSeconds:0} s.");
            }
            catch (Bedrock.Sts.AssumeRoleException e)
            {
                result = (false, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = (false, "AWS credentials could not be resolved: " + e.Message);
            }

            _last = (result.Item1, result.Item2, now);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}
