using System.Net;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>A modelled Bedrock Runtime error: its shape name (x-amzn-ErrorType), HTTP status and message.
/// Statuses are those of the service model (botocore bedrock-runtime service-2.json).</summary>
public sealed record BedrockError(string Type, HttpStatusCode Status, string Message)
{
    public static BedrockError Validation(string message) => new("ValidationException", HttpStatusCode.BadRequest, message);

    public static BedrockError Throttling(string message = "Too many requests, please wait before trying again.") =>
        new("ThrottlingException", HttpStatusCode.TooManyRequests, message);

    public static BedrockError ModelTimeout() =>
        new("ModelTimeoutException", HttpStatusCode.RequestTimeout, "Model has timed out in processing the request. Try your request again.");

    public static BedrockError Internal() =>
        new("InternalServerException", HttpStatusCode.InternalServerError, "The server encountered an internal error while processing the request.");

    public static BedrockError Unavailable() =>
        new("ServiceUnavailableException", HttpStatusCode.ServiceUnavailable, "Bedrock is unable to process your request.");

    public static BedrockError AccessDenied(string message = "You don't have access to the model with the specified model ID.") =>
        new("AccessDeniedException", HttpStatusCode.Forbidden, message);

    public static BedrockError NotFound(string message) => new("ResourceNotFoundException", HttpStatusCode.NotFound, message);

    public static BedrockError ModelNotReady() =>
        new("ModelNotReadyException", HttpStatusCode.TooManyRequests, "The model is not ready to serve inference requests. Try again later.");

    public static BedrockError ModelError() =>
        new("ModelErrorException", HttpStatusCode.FailedDependency, "The system encountered an unexpected error during processing. Try your request again.");

    public static BedrockError ModelStreamError() =>
        new("ModelStreamErrorException", HttpStatusCode.FailedDependency, "The model stream was interrupted by an error in the model.");

    /// <summary>The union member name that carries this error inside an event stream (camelCase shape name).</summary>
    public string StreamExceptionType => char.ToLowerInvariant(Type[0]) + Type[1..];
}

/// <summary>Thrown by pure request handling to answer with a Bedrock error.</summary>
public sealed class BedrockErrorException(BedrockError error) : Exception(error.Message)
{
    public BedrockError Error { get; } = error;
}
