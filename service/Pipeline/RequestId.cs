using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Pipeline;

/// <summary>Gives every request an id, returned as `x-request-id` (as OpenAI does) and used as the trace
/// identifier in logs. A well-formed id from the caller is kept; on Lambda, API Gateway's request id is used, so the
/// id a client reports is the one in API Gateway's and the proxy's logs alike.</summary>
public sealed partial class RequestId(RequestDelegate next, Microsoft.Extensions.Logging.ILogger<RequestId> logger)
{
    public const string Header = "x-request-id";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var id = incoming.Length is > 0 and <= 128 && SafeId().IsMatch(incoming) ? incoming
            : context.Features.Get<Lambda.ILambdaInvocationFeature>() is { } lambda ? lambda.ApiRequestId ?? lambda.RequestId
            : "req_" + Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        // Set as the response starts, so an error answer that clears the response still carries the id.
        context.Response.OnStarting(static state =>
        {
            var c = (HttpContext)state;
            c.Response.Headers[Header] = c.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return WithScopeAsync(context, id);
    }

    /// <summary>Every log line of the request carries its ids (in the JSON logs' Scopes): the proxy's request id, and
    /// on Lambda the invocation id, API Gateway's request id and the X-Ray trace id.</summary>
    private async Task WithScopeAsync(HttpContext context, string id)
    {
        var lambda = context.Features.Get<Lambda.ILambdaInvocationFeature>();
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["RequestId"] = id,
            ["LambdaRequestId"] = lambda?.RequestId,
            ["ApiGatewayRequestId"] = lambda?.ApiRequestId,
            ["TraceId"] = lambda?.TraceId ?? System.Diagnostics.Activity.Current?.TraceId.ToString(),
        }))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeId();
}
