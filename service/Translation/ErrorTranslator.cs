using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Translation;

/// <summary>Bedrock errors -> the OpenAI error a client should see. Client faults stay 4xx; failures of the proxy's
/// own access, of Bedrock's availability or of its time keep their class: 502, 503, 504.</summary>
public static class ErrorTranslator
{
    public static readonly TimeSpan ThrottleRetryAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);

    public static OpenAiError FromBedrock(BedrockException e) => e.ErrorType switch
    {
        "ValidationException" => new(400, e.BedrockMessage, OpenAiError.InvalidRequestType, null, "bedrock_validation_error"),
        "ThrottlingException" or "ServiceQuotaExceededException" =>
            new(429, $"Amazon Bedrock is throttling requests: {e.BedrockMessage}", OpenAiError.RateLimitType, null, "rate_limit_exceeded", ThrottleRetryAfter),
        "ResourceNotFoundException" => new(404, e.BedrockMessage, OpenAiError.InvalidRequestType, "model", "model_not_found"),
        "AccessDeniedException" =>
            new(502, $"The proxy is not allowed to invoke this model on Amazon Bedrock: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "upstream_access_denied"),
        "UnrecognizedClientException" or "InvalidSignatureException" or "MissingAuthenticationTokenException" or "ExpiredTokenException" or "IncompleteSignatureException" =>
            new(502, $"The proxy could not authenticate to Amazon Bedrock: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "upstream_authentication_failed"),
        "ModelTimeoutException" => new(504, $"The model timed out: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "upstream_timeout"),
        "ServiceUnavailableException" =>
            new(503, $"Amazon Bedrock is unavailable: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "service_unavailable", UnavailableRetryAfter),
        "ModelNotReadyException" =>
            new(503, $"The model is not ready to serve requests: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "model_not_ready", UnavailableRetryAfter),
        "ModelErrorException" or "ModelStreamErrorException" =>
            new(502, $"The model failed while answering: {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "model_error"),
        _ => new(502, $"Amazon Bedrock answered with an error ({e.ErrorType}): {e.BedrockMessage}", OpenAiError.ServerErrorType, null, "upstream_error"),
    };

    public static OpenAiError FromTransport(BedrockTransportException e) => e.TimedOut
        ? new(504, "Amazon Bedrock did not answer in time.", OpenAiError.ServerErrorType, null, "upstream_timeout")
        : new(503, "Amazon Bedrock could not be reached.", OpenAiError.ServerErrorType, null, "service_unavailable", UnavailableRetryAfter);

    /// <summary>The Bedrock role could not be assumed: 503 (with Retry-After) while STS is failing or unreachable,
    /// 502 when it refused. The message names the role and STS's reason; it never holds credentials.</summary>
    public static OpenAiError FromAssumeRole(Bedrock.Sts.AssumeRoleException e) => e.Transient
        ? new(503, e.Message, OpenAiError.ServerErrorType, null, "assume_role_unavailable", UnavailableRetryAfter)
        : new(502, e.Message, OpenAiError.ServerErrorType, null, "assume_role_failed");

    public static OpenAiError FromStreamFormat() =>
        new(502, "Amazon Bedrock sent a malformed event stream.", OpenAiError.ServerErrorType, null, "upstream_protocol_error");
}
