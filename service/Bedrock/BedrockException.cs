namespace BedrockNovaProxy.Bedrock;

/// <summary>An error Bedrock Runtime answered with: before the stream (HTTP status + x-amzn-ErrorType) or inside it
/// (an exception frame; <see cref="InStream"/> is then true and <see cref="StatusCode"/> is the status the error
/// type carries on the HTTP path).</summary>
public sealed class BedrockException(int statusCode, string errorType, string message, string? requestId = null, bool inStream = false)
    : Exception($"{errorType}: {message}")
{
    public int StatusCode { get; } = statusCode;
    public string ErrorType { get; } = errorType;
    public string BedrockMessage { get; } = message;
    public string? RequestId { get; } = requestId;
    public bool InStream { get; } = inStream;

    /// <summary>HTTP status of each modeled error shape (bedrock-runtime service-2.json), for errors met in a stream.</summary>
    public static int StatusOf(string errorType) => errorType switch
    {
        "AccessDeniedException" => 403,
        "ResourceNotFoundException" => 404,
        "ThrottlingException" => 429,
        "ModelTimeoutException" => 408,
        "InternalServerException" => 500,
        "ServiceUnavailableException" => 503,
        "ValidationException" => 400,
        "ModelNotReadyException" => 429,
        "ModelErrorException" => 424,
        "ModelStreamErrorException" => 424,
        "ServiceQuotaExceededException" => 400,
        _ => 500,
    };

    /// <summary>Smithy restJson1 error-type sanitising: text before the first ':' then after the last '#'.
    /// "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" and
    /// "com.amazon.coral#ValidationException" both become "ValidationException".</summary>
    public static string SanitizeErrorType(string raw)
    {
        var type = raw.Split(':', 2)[0];
        var hash = type.LastIndexOf('#');
        return (hash >= 0 ? type[(hash + 1)..] : type).Trim();
    }

    /// <summary>Event-stream exception frames name the union member (camelCase); map it to the shape name.</summary>
    public static string ShapeFromMember(string member) =>
        member.Length == 0 ? "UnknownException" : char.ToUpperInvariant(member[0]) + member[1..];
}

/// <summary>Bedrock could not be reached or did not answer in time.</summary>
public sealed class BedrockTransportException(string message, bool timedOut, Exception? inner = null) : Exception(message, inner)
{
    public bool TimedOut { get; } = timedOut;
}
