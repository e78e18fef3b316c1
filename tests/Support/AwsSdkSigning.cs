using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.Util;
using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Tests.Support;

/// <summary>A POST signed by AWSSDK.Core's AWS4Signer, as the proxy signed before it had its own signer: the judge of
/// common/Aws/SigV4Signer.cs in its tests, and its baseline in scripts/bench/sigv4-cost.cs.</summary>
public static class AwsSdkSigning
{
    public static SignedRequest Sign(Uri endpoint, string region, string service, string resourcePath, string? modelId, byte[] body, string contentType,
        ImmutableCredentials credentials, DateTime at, string? accept = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new DefaultRequest(new EmptyRequest(), "judge")
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            ResourcePath = resourcePath,
            Content = body,
            AuthenticationRegion = region,
            OverrideSigningServiceName = service,
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

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        if (credentials.UseToken)
        {
            request.Headers[HeaderKeys.XAmzSecurityTokenHeader] = credentials.Token;
        }

        var config = new SigningConfig(endpoint, region, service);
        var result = new AWS4Signer(signPayload: true).SignRequest(request, config, new RequestMetrics(), credentials.AccessKey, credentials.SecretKey, at);
        request.Headers[HeaderKeys.AuthorizationHeader] = result.ForAuthorizationHeader;
        var path = AWSSDKUtils.ResolveResourcePathV2(request.ResourcePath, request.PathResources);
        var uri = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + endpoint.AbsolutePath.TrimEnd('/') + path);
        return new SignedRequest(uri, request.Headers.Where(h => !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
    }

    private sealed class EmptyRequest : AmazonWebServiceRequest;

    private sealed class SigningConfig : ClientConfig
    {
        private readonly Uri _endpoint;

        public SigningConfig(Uri endpoint, string region, string service)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard }]))
        {
            _endpoint = endpoint;
            AuthenticationServiceName = service;
            AuthenticationRegion = region;
        }

        public override string RegionEndpointServiceName => AuthenticationServiceName;
        public override string ServiceVersion => "";
        public override string UserAgent => "judge";

        public override Amazon.Runtime.Endpoints.Endpoint DetermineServiceOperationEndpoint(Amazon.Runtime.Endpoints.ServiceOperationEndpointParameters parameters) =>
            new(_endpoint.ToString());
    }
}
