using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace BedrockNovaProxy.Aws;

/// <summary>Where AWS credentials come from: a seam so tests can supply their own. The unkeyed registration is the
/// proxy's own identity (the default chain); the one keyed <see cref="Bedrock"/> signs Bedrock calls: the same source,
/// or the role assumed with it when Proxy:Bedrock:AssumeRoleArn is set.</summary>
public interface IAwsCredentialSource
{
    /// <summary>The DI key of the credentials that sign Bedrock calls.</summary>
    const string Bedrock = "bedrock";

    ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>AWSSDK.Core's default chain: environment, web identity (IRSA), shared profile, ECS container and EC2
/// instance credentials. The resolved provider caches and refreshes temporary credentials itself (minutes before they
/// expire); what it answered is reused for a second, so that a busy proxy does not ask it anew (the environment's
/// provider reads the variables and builds new credentials on every call) for each request.</summary>
public sealed class DefaultAwsCredentialSource(TimeProvider time) : IAwsCredentialSource
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AWSCredentials? _provider;
    private Answer? _last;

    public DefaultAwsCredentialSource()
        : this(TimeProvider.System)
    {
    }

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        if (_last is { } last && time.GetElapsedTime(last.At) < Reuse)
        {
            return last.Credentials;
        }

        var provider = _provider;
        if (provider is null)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                provider = _provider ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        var credentials = await provider.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _last = new Answer(credentials, time.GetTimestamp());
        return credentials;
    }

    private sealed record Answer(ImmutableCredentials Credentials, long At);
}

/// <summary>Fixed credentials (the local emulators' test keys, or keys a test chooses).</summary>
public sealed class StaticAwsCredentialSource(string accessKeyId, string secretAccessKey, string? sessionToken = null) : IAwsCredentialSource
{
    private readonly ImmutableCredentials _credentials = new(accessKeyId, secretAccessKey, sessionToken);

    public ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_credentials);
}
