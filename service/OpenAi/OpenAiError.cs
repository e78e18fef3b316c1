namespace BedrockNovaProxy.OpenAi;

/// <summary>An error as the client will see it: HTTP status plus OpenAI's {"error":{message,type,param,code}}.</summary>
public sealed record OpenAiError(int Status, string Message, string Type, string? Param = null, string? Code = null, TimeSpan? RetryAfter = null)
{
    public const string InvalidRequestType = "invalid_request_error";
    public const string ServerErrorType = "server_error";
    public const string RateLimitType = "rate_limit_error";
    public const string AuthenticationType = "authentication_error";

    public ErrorResponse ToResponse() => new() { Error = new ErrorBody { Message = Message, Type = Type, Param = Param, Code = Code } };

    public static OpenAiError Invalid(string message, string? param = null, string? code = null) =>
        new(400, message, InvalidRequestType, param, code);

    public static OpenAiError Unsupported(string param, string message) =>
        new(400, message, InvalidRequestType, param, "unsupported_parameter");

    public static OpenAiError UnsupportedValue(string param, string message) =>
        new(400, message, InvalidRequestType, param, "unsupported_value");

    public static OpenAiError ModelNotFound(string model) =>
        new(404, $"The model `{model}` does not exist or you do not have access to it.", InvalidRequestType, "model", "model_not_found");

    public static OpenAiError TooLarge(long limit) =>
        new(413, $"Request body too large: the limit is {limit} bytes.", InvalidRequestType, null, "request_too_large");

    public static OpenAiError Internal() =>
        new(500, "The server had an error while processing your request. Sorry about that!", ServerErrorType, null, "internal_error");
}

/// <summary>Thrown anywhere in a request to answer with <see cref="Error"/>; the pipeline writes it.</summary>
public sealed class OpenAiException(OpenAiError error) : Exception(error.Message)
{
    public OpenAiError Error { get; } = error;
}
