using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.Util;

namespace BedrockNovaProxy.Aws;

// SigV4 with AWSSDK.Core's own signer: Bedrock Runtime (signing name "bedrock"), and any other AWS API by its signing
// name (the gitops CLI signs Cost Explorer "ce" and CloudWatch "monitoring" with it). AWSSDK.Core canonicalises the
// request, including the double-encoded path that a model id with ':' or '/' needs (%3A -> %253A).
public sealed class SigV4Signer(Uri endpoint, string region, string signingName = SigV4Signer.SigningName)
{
    public const string SigningName = "bedrock";
    private readonly SigningConfig _config = new(endpoint, region, signingName);
    private readonly AWS4Signer _signer = new(signPayload: true);

    public Uri Endpoint { get; } = endpoint;
    public string Region { get; } = region;
    public string Service { get; } = signingName;

    /// <summary>Signs a POST of <paramref name="body"/> to <paramref name="resourcePath"/> (with a {modelId} label
    /// when <paramref name="modelId"/> is given) and returns the request URI and the headers to send. Extra
    /// <paramref name="headers"/> (X-Amz-Target for the JSON protocols) are signed with the others.</summary>
    public SignedRequest Sign(string resourcePath, string? modelId, byte[] body, string contentType, ImmutableCredentials credentials, DateTime signedAtUtc,
        string? accept = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new DefaultRequest(new EmptyRequest(), _config.ClientName)
        {
            HttpMethod = "POST",
            Endpoint = Endpoint,
            ResourcePath = resourcePath,
            Content = body,
            AuthenticationRegion = Region,
            OverrideSigningServiceName = Service,
        };
        if (modelId is not null)
        {
            request.AddPathResource("{modelId}", modelId);
        }

        request.Headers["Content-Type"] = contentType;
        if (accept is not null)
        {
            request.Headers["Accept"] = accept;
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers[name] = value;
            }
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
        var signed = request.Headers
            .Where(h => !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new SignedRequest(uri, signed);
    }

    private sealed class EmptyRequest : AmazonWebServiceRequest;

    private sealed class SigningConfig : ClientConfig
    {
        private readonly Uri _endpoint;
        private readonly bool _bedrock;

        public SigningConfig(Uri endpoint, string region, string signingName)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard }]))
        {
            _endpoint = endpoint;
            _bedrock = signingName == SigningName;
            AuthenticationServiceName = signingName;
            AuthenticationRegion = region;
        }

        // Only the signing name and Region enter the signature; these name the client in AWSSDK.Core's own bookkeeping.
        public string ClientName => _bedrock ? "Amazon.BedrockRuntime" : "BedrockNovaProxy." + AuthenticationServiceName;
        public override string RegionEndpointServiceName => _bedrock ? "bedrock-runtime" : AuthenticationServiceName;
        public override string ServiceVersion => _bedrock ? "2023-09-30" : "";
        public override string UserAgent => "bedrock-nova-proxy";

        public override Amazon.Runtime.Endpoints.Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            new(_endpoint.ToString());
    }
}

public sealed record SignedRequest(Uri Uri, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The POST to send: content headers on the content, the others on the request; HttpClient sets
    /// Content-Length itself.</summary>
    public HttpRequestMessage ToHttpRequest(byte[] body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Uri) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }
}
