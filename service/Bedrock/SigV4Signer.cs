using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.Util;

namespace BedrockNovaProxy.Bedrock;

// SigV4 for Bedrock Runtime with AWSSDK.Core's own signer (signing name "bedrock"). AWSSDK.Core canonicalises the
// request, including the double-encoded path that a model id with ':' or '/' needs (%3A -> %253A).
public sealed class SigV4Signer(Uri endpoint, string region)
{
    public const string SigningName = "bedrock";
    private readonly SigningConfig _config = new(endpoint, region);
    private readonly AWS4Signer _signer = new(signPayload: true);

    public Uri Endpoint { get; } = endpoint;
    public string Region { get; } = region;

    /// <summary>Signs a POST of <paramref name="body"/> to <paramref name="resourcePath"/> (with a {modelId} label)
    /// and returns the request URI and the headers to send.</summary>
    public SignedRequest Sign(string resourcePath, string modelId, byte[] body, string contentType, ImmutableCredentials credentials, DateTime signedAtUtc, string? accept = null)
    {
        var request = new DefaultRequest(new EmptyRequest(), "Amazon.BedrockRuntime")
        {
            HttpMethod = "POST",
            Endpoint = Endpoint,
            ResourcePath = resourcePath,
            Content = body,
            AuthenticationRegion = Region,
            OverrideSigningServiceName = SigningName,
        };
        request.AddPathResource("{modelId}", modelId);
        request.Headers["Content-Type"] = contentType;
        if (accept is not null)
        {
            request.Headers["Accept"] = accept;
        }

        if (credentials.UseToken)
        {
            // AWSSDK.Core's Sign() does not add the session token itself; it must be signed like any header.
            request.Headers[HeaderKeys.XAmzSecurityTokenHeader] = credentials.Token;
        }

        var result = _signer.SignRequest(request, _config, new RequestMetrics(), credentials.AccessKey, credentials.SecretKey, signedAtUtc);
        request.Headers[HeaderKeys.AuthorizationHeader] = result.ForAuthorizationHeader;

        var path = AWSSDKUtils.ResolveResourcePathV2(request.ResourcePath, request.PathResources);
        var uri = new Uri(Endpoint.GetLeftPart(UriPartial.Authority) + Endpoint.AbsolutePath.TrimEnd('/') + path);
        var headers = request.Headers
            .Where(h => !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new SignedRequest(uri, headers);
    }

    private sealed class EmptyRequest : AmazonWebServiceRequest;

    private sealed class SigningConfig : ClientConfig
    {
        private readonly Uri _endpoint;

        public SigningConfig(Uri endpoint, string region)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard }]))
        {
            _endpoint = endpoint;
            AuthenticationServiceName = SigningName;
            AuthenticationRegion = region;
        }

        public override string RegionEndpointServiceName => "bedrock-runtime";
        public override string ServiceVersion => "2023-09-30";
        public override string UserAgent => "bedrock-nova-proxy";

        public override Amazon.Runtime.Endpoints.Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            new(_endpoint.ToString());
    }
}

public sealed record SignedRequest(Uri Uri, IReadOnlyDictionary<string, string> Headers);
