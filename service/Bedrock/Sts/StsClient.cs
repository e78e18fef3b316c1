using System.Xml;
using Amazon.Runtime;
using Amazon.Runtime.Identity;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.SecurityToken;
using Amazon.Util;
using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Bedrock.Sts;

/// <summary>STS's AssumeRole through AWS's SDK (AWSSDK.SecurityToken): the configured endpoint and signing Region, the
/// caller's credentials from <paramref name="caller"/>, and SigV4 at <paramref name="time"/>'s now, the clock every
/// other call of the proxy is signed with. The SDK does not retry: <see cref="AssumeRoleCredentialSource"/> decides
/// when STS is asked again. Every failure is an <see cref="AssumeRoleException"/>, except cancellation and the
/// caller's own credential errors, which pass through. <paramref name="http"/> replaces the SDK's HTTP client (tests
/// feed recorded answers through it).</summary>
public sealed class StsClient(Uri endpoint, string signingRegion, IAwsCredentialSource caller, TimeProvider time,
    TimeSpan? connectTimeout = null, HttpClientFactory? http = null) : IDisposable
{
    private readonly Client _client = new(new CallerCredentials(caller), Config(endpoint, signingRegion, connectTimeout, http), new ClockSigner(time));

    public Uri Endpoint => endpoint;

    public async Task<AssumedRoleCredentials> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return AssumedRoleCredentials.From(await _client.AssumeRoleAsync(request.ToSdk(), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is AmazonUnmarshallingException or XmlException or FormatException)
        {
            throw new AssumeRoleException(request.RoleArn, $"AWS STS ({endpoint.Host}) answered 200 with an unreadable response: {e.Message}", transient: false, inner: e);
        }
        catch (AmazonServiceException e)
        {
            throw AssumeRoleException.From(request.RoleArn, StsError.From(e));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new AssumeRoleException(request.RoleArn, $"AWS STS ({endpoint.GetLeftPart(UriPartial.Authority)}) could not be reached: {e.Message}", transient: true, inner: e);
        }
    }

    public void Dispose() => _client.Dispose();

    private static AmazonSecurityTokenServiceConfig Config(Uri endpoint, string signingRegion, TimeSpan? connectTimeout, HttpClientFactory? http)
    {
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = endpoint.AbsoluteUri,
            AuthenticationRegion = signingRegion,
            MaxErrorRetry = 0,
            HttpClientFactory = http,
        };
        if (connectTimeout is { } timeout)
        {
            config.ConnectTimeout = timeout;
        }

        return config;
    }

    /// <summary>The SDK's STS client with <see cref="ClockSigner"/> in place of the signer its auth scheme chose.</summary>
    private sealed class Client(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config, ClockSigner signer)
        : AmazonSecurityTokenServiceClient(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandlerBefore<Signer>(new UseSigner(signer));
        }
    }

    private sealed class UseSigner(ISigner signer) : PipelineHandler
    {
        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            executionContext.RequestContext.Signer = signer;
            return base.InvokeAsync<T>(executionContext);
        }
    }

    /// <summary>AWS4Signer signs at the system clock's now; the proxy's clock is the injected TimeProvider (which tests
    /// move by hours, and which the local STS checks signatures against).</summary>
    private sealed class ClockSigner(TimeProvider time) : AWS4Signer
    {
        public override void Sign(IRequest request, IClientConfig clientConfig, RequestMetrics metrics, BaseIdentity identity) =>
            Sign(request, clientConfig, metrics, ((AWSCredentials)identity).GetCredentials());

        public override async Task SignAsync(IRequest request, IClientConfig clientConfig, RequestMetrics metrics, BaseIdentity identity, CancellationToken token = default) =>
            Sign(request, clientConfig, metrics, await ((AWSCredentials)identity).GetCredentialsAsync().ConfigureAwait(false));

        private void Sign(IRequest request, IClientConfig clientConfig, RequestMetrics metrics, ImmutableCredentials credentials)
        {
            var result = SignRequest(request, clientConfig, metrics, credentials.AccessKey, credentials.SecretKey, time.GetUtcNow().UtcDateTime);
            request.AWS4SignerResult = result;
            request.Headers[HeaderKeys.AuthorizationHeader] = result.ForAuthorizationHeader;
        }
    }
}

/// <summary>The proxy's credentials as AWS's SDK clients ask for them (STS, DynamoDB): from the proxy's own credential seam.</summary>
internal sealed class CallerCredentials(IAwsCredentialSource source) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => source.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => source.GetAsync(CancellationToken.None).AsTask();
}
