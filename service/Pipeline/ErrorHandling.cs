using System.Globalization;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Every error leaves the proxy in OpenAI's shape with its proper status: errors thrown by functions,
/// requests the router does not know (404, 405), and the unexpected (500, never with a stack trace).</summary>
public sealed partial class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405
                && (context.GetEndpoint() is null || context.Response.StatusCode == 405))
            {
                var request = context.Request;
                await WriteAsync(context, context.Response.StatusCode == 404
                    ? new OpenAiError(404, $"Invalid URL ({request.Method} {request.Path}).", OpenAiError.InvalidRequestType, null, "unknown_url")
                    : new OpenAiError(405, $"Method {request.Method} is not allowed on {request.Path}.", OpenAiError.InvalidRequestType, null, "method_not_allowed"))
                    .ConfigureAwait(false);
            }
        }
        catch (OpenAiException e)
        {
            await WriteOrAbortAsync(context, e.Error).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            var error = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? OpenAiError.TooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)
                : new OpenAiError(e.StatusCode, "The request could not be read: " + e.Message, OpenAiError.InvalidRequestType);
            await WriteOrAbortAsync(context, error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Features.Get<RequestDeadline>() is { Expired: true } deadline)
        {
            await WriteOrAbortAsync(context, deadline.Error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one left to answer.
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path);
            await WriteOrAbortAsync(context, OpenAiError.Internal()).ConfigureAwait(false);
        }
    }

    public static async Task WriteAsync(HttpContext context, OpenAiError error)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = error.Status;
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await JsonAnswer.WriteAsync(response, error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteOrAbortAsync(HttpContext context, OpenAiError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort(); // headers are gone: cutting the connection is the only honest signal left
            return;
        }

        await WriteAsync(context, error).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
