using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Microsoft.AspNetCore.WebUtilities;
using Sdk = Amazon.SecurityToken.Model;

namespace BedrockNovaProxy.Bedrock.Sts;

/// <summary>What one STS AssumeRole call asks for.</summary>
public sealed record AssumeRoleRequest(string RoleArn, string SessionName, string? ExternalId = null, int DurationSeconds = AssumeRoleRequest.DefaultDurationSeconds)
{
    /// <summary>One hour: the longest a chained role session may last (the proxy's own identity is usually a role
    /// already), and every role's default MaxSessionDuration.</summary>
    public const int DefaultDurationSeconds = 3600;

    /// <summary>The SDK's request; an empty external id is not sent (the SDK would send "ExternalId=").</summary>
    public Sdk.AssumeRoleRequest ToSdk() => new()
    {
        RoleArn = RoleArn,
        RoleSessionName = SessionName,
        ExternalId = string.IsNullOrEmpty(ExternalId) ? null : ExternalId,
        DurationSeconds = DurationSeconds,
    };
}

/// <summary>The temporary credentials AssumeRole issued. ToString never shows the secret or the token.</summary>
public sealed record AssumedRoleCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, string? AssumedRoleArn)
{
    public ImmutableCredentials ToImmutable() => new(AccessKeyId, SecretAccessKey, SessionToken);

    public override string ToString() => $"AssumedRoleCredentials {{ Expiration = {Expiration:O}, AssumedRoleArn = {AssumedRoleArn} }}";

    /// <summary>The credentials of the SDK's answer, or a <see cref="FormatException"/> naming what is missing: the SDK
    /// reads whatever elements are there and leaves the others null.</summary>
    public static AssumedRoleCredentials From(Sdk.AssumeRoleResponse response)
    {
        var credentials = response.Credentials ?? throw new FormatException("The AssumeRole response has no Credentials.");
        static string Required(string? value, string name) =>
            value?.Trim() is { Length: > 0 } text ? text : throw new FormatException($"The AssumeRole response has no Credentials/{name}.");

        var accessKeyId = Required(credentials.AccessKeyId, "AccessKeyId");
        var secret = Required(credentials.SecretAccessKey, "SecretAccessKey");
        var token = Required(credentials.SessionToken, "SessionToken");
        var expiration = credentials.Expiration ?? throw new FormatException("The AssumeRole response has no Credentials/Expiration.");
        // The SDK gives UTC (a time without an offset taken as UTC, one with an offset converted); never a local time.
        var utc = expiration.Kind == DateTimeKind.Local ? expiration.ToUniversalTime() : DateTime.SpecifyKind(expiration, DateTimeKind.Utc);
        return new AssumedRoleCredentials(accessKeyId, secret, token, new DateTimeOffset(utc), response.AssumedRoleUser?.Arn);
    }
}

/// <summary>An error STS answered with: HTTP status and ErrorResponse/Error/Code and Message.</summary>
public sealed record StsError(int Status, string Code, string Message, string? RequestId)
{
    /// <summary>Failures a later attempt can cure: STS's own faults and throttling. Everything else (AccessDenied,
    /// an invalid or expired caller token, a disabled Region, a bad parameter) stays until someone changes IAM.</summary>
    public bool Transient => Status >= 500 || Code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded"
        or "ServiceUnavailable" or "InternalFailure" or "IDPCommunicationError";

    /// <summary>STS's error as the SDK read it. A body that is not STS's XML (a load balancer's page, say) gives the
    /// SDK no code: then the status and its reason phrase stand in, and the page's HTML is not quoted.</summary>
    public static StsError From(AmazonServiceException e)
    {
        var status = (int)e.StatusCode;
        var known = !string.IsNullOrWhiteSpace(e.ErrorCode);
        var reason = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "no message";
        var header = (e.InnerException as HttpErrorResponseException)?.Response?.GetHeaderValue("x-amzn-RequestId");
        return new StsError(status, known ? e.ErrorCode.Trim() : $"Http{status}",
            known && !string.IsNullOrWhiteSpace(e.Message) ? e.Message.Trim() : reason,
            !string.IsNullOrEmpty(e.RequestId) ? e.RequestId : string.IsNullOrEmpty(header) ? null : header);
    }
}

/// <summary>The proxy could not assume its Bedrock role. <see cref="Exception.Message"/> names the role and STS's
/// reason; it never holds credentials. <see cref="Transient"/> tells a passing failure (503) from a refusal (502).</summary>
public sealed class AssumeRoleException(string roleArn, string reason, bool transient, StsError? error = null, Exception? inner = null)
    : Exception($"The proxy could not assume the role {roleArn}: {reason}", inner)
{
    public string RoleArn { get; } = roleArn;
    public bool Transient { get; } = transient;

    /// <summary>STS's answer, when it gave one (null for an unreachable or unreadable STS).</summary>
    public StsError? Error { get; } = error;

    public static AssumeRoleException From(string roleArn, StsError error) =>
        new(roleArn, $"AWS STS answered {error.Code} (HTTP {error.Status}): {error.Message}", error.Transient, error);
}
