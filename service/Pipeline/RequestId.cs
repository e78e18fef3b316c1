using System.Text.RegularExpressions;

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
            : NewId();
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
        using (logger.BeginScope(new Scope(id, context.Features.Get<Lambda.ILambdaInvocationFeature>())))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    /// <summary>The scope's four ids as the loggers read them (a list of pairs), without a dictionary per request;
    /// the trace id is read only when a line is written.</summary>
    private sealed class Scope(string id, Lambda.ILambdaInvocationFeature? lambda) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly System.Diagnostics.ActivityTraceId? _trace = System.Diagnostics.Activity.Current?.TraceId;

        public int Count => 4;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("RequestId", id),
            1 => new("LambdaRequestId", lambda?.RequestId),
            2 => new("ApiGatewayRequestId", lambda?.ApiRequestId),
            3 => new("TraceId", lambda?.TraceId ?? _trace?.ToString()),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "RequestId:" + id;
    }

    /// <summary>req_ and 32 hex digits (126 random bits) from the shared fast generator: an id names a request and grants nothing, and
    /// Guid.NewGuid read /dev/urandom, a system call per request.</summary>
    private static string NewId() =>
        string.Create(null, stackalloc char[36], $"req_{Random.Shared.NextInt64():x16}{Random.Shared.NextInt64():x16}");

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeId();
}
