using Amazon.Runtime;
using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Bedrock.Sts;

/// <summary>Bedrock credentials from a role (in another account, typically) assumed through STS with the proxy's own
/// credentials. They are cached and replaced <see cref="RefreshBefore"/> their expiry by one STS call at a time, however
/// many requests need them at once. Should a refresh fail while the current credentials still work, those are used;
/// once they have expired, every request fails with the <see cref="AssumeRoleException"/> (STS is then asked again at
/// most every <see cref="FailureHoldOff"/>, so a refused role does not turn each request into an STS call).</summary>
public sealed partial class AssumeRoleCredentialSource(
    string roleArn, Func<CancellationToken, Task<AssumedRoleCredentials>> assumeRole, TimeProvider time, ILogger<AssumeRoleCredentialSource> logger)
    : IAwsCredentialSource
{
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan FailureHoldOff = TimeSpan.FromSeconds(5);

    /// <summary>Credentials this close to their expiry are not used: the request they sign must still reach AWS in time.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private Session? _session;
    private Task<Session>? _refresh;
    private (AssumeRoleException Error, DateTimeOffset Until)? _failure;

    /// <summary>Each refresh is one AssumeRole call by <paramref name="sts"/> (signed with the proxy's own credentials).</summary>
    public static AssumeRoleCredentialSource Create(AssumeRoleRequest request, StsClient sts, TimeProvider time, ILogger<AssumeRoleCredentialSource> logger) =>
        new(request.RoleArn, ct => sts.AssumeRoleAsync(request, ct), time, logger);

    public string RoleArn => roleArn;

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        Session? current;
        Task<Session> refresh;
        TaskCompletionSource<Session>? started = null;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            current = _session;
            if (current is not null && now < current.RefreshAt)
            {
                return current.Credentials;
            }

            if (_refresh is null)
            {
                if (_failure is { } failure && now < failure.Until)
                {
                    return current is not null && now < current.UsableUntil ? current.Credentials : throw failure.Error;
                }

                // Started outside the lock: the call's synchronous part (resolving the caller's credentials, signing)
                // must not hold it.
                started = new TaskCompletionSource<Session>(TaskCreationOptions.RunContinuationsAsynchronously);
                _refresh = started.Task;
            }

            refresh = _refresh;
        }

        if (started is not null)
        {
            _ = RefreshAsync(started);
        }

        try
        {
            return (await refresh.WaitAsync(cancellationToken).ConfigureAwait(false)).Credentials;
        }
        catch (AssumeRoleException) when (current is not null && time.GetUtcNow() < current.UsableUntil)
        {
            return current.Credentials;
        }
    }

    /// <summary>One STS call, bounded by its own timeout rather than the token of whichever request started it, so
    /// that request going away does not fail the others waiting on the same refresh.</summary>
    private async Task RefreshAsync(TaskCompletionSource<Session> completion)
    {
        try
        {
            AssumedRoleCredentials assumed;
            using (var timeout = new CancellationTokenSource(CallTimeout, time))
            {
                try
                {
                    assumed = await assumeRole(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
                {
                    throw new AssumeRoleException(roleArn, $"AWS STS did not answer within {CallTimeout.TotalSeconds:0} s.", transient: true, inner: e);
                }
            }

            var session = Session.Start(assumed, time.GetUtcNow(), roleArn);
            lock (_lock)
            {
                (_session, _refresh, _failure) = (session, null, null);
            }

            LogAssumed(logger, roleArn, assumed.AssumedRoleArn ?? roleArn, assumed.Expiration);
            completion.SetResult(session);
        }
        catch (AssumeRoleException e)
        {
            lock (_lock)
            {
                (_refresh, _failure) = (null, (e, time.GetUtcNow() + FailureHoldOff));
            }

            LogFailed(logger, e.Transient, e.Message);
            completion.SetException(e);
        }
        catch (Exception e)
        {
            // The caller's own credentials did not resolve: that error is already clear, and has its own answer.
            lock (_lock)
            {
                _refresh = null;
            }

            completion.SetException(e);
        }
    }

    private sealed record Session(ImmutableCredentials Credentials, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil)
    {
        /// <summary>Refreshed <see cref="RefreshBefore"/> the expiry, or half-way through a shorter session.</summary>
        public static Session Start(AssumedRoleCredentials assumed, DateTimeOffset now, string roleArn)
        {
            var lifetime = assumed.Expiration - now;
            if (lifetime <= ExpiryMargin)
            {
                // Taking them would mean calling STS again on every request: a clock that is far off, most likely.
                throw new AssumeRoleException(roleArn,
                    $"AWS STS issued credentials that expire at {assumed.Expiration:O}, which by this host's clock ({now:O}) is already past or too close; check the clock.",
                    transient: false);
            }

            var early = lifetime / 2 < RefreshBefore ? lifetime / 2 : RefreshBefore;
            return new Session(assumed.ToImmutable(), assumed.Expiration - early, assumed.Expiration - ExpiryMargin);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assumed role {RoleArn} as {AssumedRoleArn}; the credentials expire at {Expiration:O}")]
    private static partial void LogAssumed(ILogger logger, string roleArn, string assumedRoleArn, DateTimeOffset expiration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AssumeRole failed (transient: {Transient}): {Reason}")]
    private static partial void LogFailed(ILogger logger, bool transient, string reason);
}
