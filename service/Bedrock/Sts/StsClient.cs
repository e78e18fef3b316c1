using System.Net;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;

namespace BedrockNovaProxy.Bedrock.Sts;

/// <summary>STS's AssumeRole over HTTP: the form from <see cref="AssumeRoleRequest"/>, SigV4-signed for service
/// "sts" with the caller's credentials, the answer read by <see cref="StsResponses"/>. Every failure is an
/// <see cref="AssumeRoleException"/>, except cancellation, which stays a cancellation.</summary>
public sealed class StsClient(HttpClient http, SigV4Signer signer, TimeProvider time)
{
    public Uri Endpoint => signer.Endpoint;

    public async Task<AssumedRoleCredentials> AssumeRoleAsync(AssumeRoleRequest request, ImmutableCredentials caller, CancellationToken cancellationToken)
    {
        var body = request.ToBody();
        var signed = signer.Sign("/", null, body, AssumeRoleRequest.ContentType, caller, time.GetUtcNow().UtcDateTime);
        try
        {
            using var message = signed.ToHttpRequest(body);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var bytes = await BedrockRuntimeClient.ReadBoundedAsync(response.Content, StsResponses.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                throw AssumeRoleException.From(request.RoleArn, StsResponses.ParseError((int)response.StatusCode, bytes, response.ReasonPhrase, requestId));
            }

            try
            {
                return StsResponses.ParseAssumeRole(bytes);
            }
            catch (FormatException e)
            {
                throw new AssumeRoleException(request.RoleArn, $"AWS STS ({Endpoint.Host}) answered 200 with an unreadable response: {e.Message}", transient: false, inner: e);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new AssumeRoleException(request.RoleArn, $"AWS STS ({Endpoint.GetLeftPart(UriPartial.Authority)}) could not be reached: {e.Message}", transient: true, inner: e);
        }
    }
}
