using System.Text;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using BedrockNovaProxy.Emulators.Bedrock.Sts;
using Microsoft.AspNetCore.Http.Features;

namespace BedrockNovaProxy.Emulators.Bedrock.Endpoints;

/// <summary>POST / (and GET /?...): STS's Query API, AssumeRole and GetCallerIdentity. SigV4 for service "sts" is
/// verified against the local key and the sessions issued so far (so a session may assume a role too, as in role
/// chaining); the I/O shell around <see cref="StsQuery"/> and <see cref="StsSessions"/>.</summary>
public sealed class StsEndpoint(BedrockEmulatorOptions options, EmulatorStats stats, StsSessions sessions, TimeProvider time)
{
    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()));
        try
        {
            var auth = SigV4Verifier.Authenticate(new SignedRequestData(context.Request.Method, rawTarget, headers, body), SigV4Service.Sts,
                options.Region, time.GetUtcNow(), options.RequireAuthentication, sessions.Find);
            if (auth.Failure is { } failure)
            {
                throw new StsErrorException(StsQuery.FromAuth(failure));
            }

            // The Query API takes parameters from the query string and from a form body alike.
            var parameters = StsQuery.ParseForm(context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "");
            if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                foreach (var (key, value) in StsQuery.ParseForm(Encoding.UTF8.GetString(body)))
                {
                    parameters[key] = value;
                }
            }

            if (StsQuery.Operation(parameters) == "GetCallerIdentity")
            {
                await WriteXmlAsync(context, StatusCodes.Status200OK, StsQuery.GetCallerIdentityResponse(auth.Identity, requestId));
                return;
            }

            var session = sessions.Issue(StsQuery.AssumeRole(parameters, auth.Identity, options.Sts), time.GetUtcNow());
            stats.AssumedRole();
            await WriteXmlAsync(context, StatusCodes.Status200OK, StsQuery.AssumeRoleResponse(session, requestId));
        }
        catch (StsErrorException e)
        {
            stats.StsFailed();
            await WriteXmlAsync(context, (int)e.Error.Status, StsQuery.ErrorResponse(e.Error, requestId));
        }
    }

    private static async Task WriteXmlAsync(HttpContext context, int status, string xml)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(xml), context.RequestAborted);
    }
}
