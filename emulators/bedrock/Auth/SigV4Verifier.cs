using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Auth;

/// <summary>What the verifier needs of a request: the method, the raw request target exactly as sent (the path
/// stays percent-encoded), the headers and the body.</summary>
public sealed record SignedRequestData(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>Who can sign: an access key's secret and the principal it stands for; temporary credentials (issued by the
/// emulated STS) also carry the session token that must come with them and their expiry.</summary>
public sealed record SigningIdentity(string AccessKeyId, string SecretAccessKey, string Principal, string? SessionToken = null, DateTimeOffset? Expiration = null)
{
    public static readonly SigningIdentity Local = new(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, LocalCredentials.PrincipalArn);

    public bool Temporary => SessionToken is not null;

    /// <summary>The fixed local key only (what the emulator accepts when no STS session is known).</summary>
    public static SigningIdentity? LocalOnly(string accessKeyId) => accessKeyId == LocalCredentials.AccessKeyId ? Local : null;
}

/// <summary>A service's SigV4 facts: its signing name, and how far a signature's time may be from the server's clock
/// (5 minutes for Bedrock; 15 for STS, as its "Signature expired" messages say).</summary>
public sealed record SigV4Service(string Name, TimeSpan AllowedSkew)
{
    public static readonly SigV4Service Bedrock = new("bedrock", TimeSpan.FromMinutes(5));
    public static readonly SigV4Service Sts = new("sts", TimeSpan.FromMinutes(15));
}

/// <summary>Why a request was not authenticated, independent of how a service names it on the wire.</summary>
public enum AuthFailureKind
{
    MissingToken,
    IncompleteSignature,
    UnknownKey,
    InvalidSignature,
    ExpiredToken,
    PayloadHashMismatch,
}

public sealed record AuthFailure(AuthFailureKind Kind, string Message);

/// <summary>The outcome: who signed (null when unsigned requests are allowed, or for a Bedrock API key), or why not.</summary>
public sealed record AuthResult(SigningIdentity? Identity, AuthFailure? Failure)
{
    public static readonly AuthResult Anonymous = new(null, null);
}

/// <summary>Verifies AWS Signature Version 4 the way AWS does, and answers with the error types and messages AWS uses.
/// Pure: the clock and the known credentials come in as arguments.
/// The canonical request is rebuilt from the raw path encoded once more (non-S3 services double-encode), so a
/// client that signs the single-encoded path is rejected exactly as Bedrock would reject it.</summary>
public static class SigV4Verifier
{
    public const string Service = "bedrock";
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Bedrock Runtime's verdict, as the error Bedrock answers with (null: accepted).</summary>
    public static BedrockError? Verify(SignedRequestData request, string region, DateTimeOffset now, bool requireAuthentication,
        Func<string, SigningIdentity?>? identities = null) =>
        Authenticate(request, SigV4Service.Bedrock, region, now, requireAuthentication, identities ?? SigningIdentity.LocalOnly, acceptBearer: true).Failure is { } failure
            ? ToBedrockError(failure)
            : null;

    /// <summary>Bedrock's (restJson1) names for each failure; all are 403.</summary>
    public static BedrockError ToBedrockError(AuthFailure failure) => failure.Kind switch
    {
        AuthFailureKind.MissingToken => Error("MissingAuthenticationTokenException", "Missing Authentication Token"),
        AuthFailureKind.IncompleteSignature => Error("IncompleteSignatureException", failure.Message),
        AuthFailureKind.UnknownKey => Error("UnrecognizedClientException", failure.Message),
        AuthFailureKind.ExpiredToken => Error("ExpiredTokenException", failure.Message),
        AuthFailureKind.PayloadHashMismatch => Error("XAmzContentSHA256Mismatch", failure.Message),
        _ => Error("InvalidSignatureException", failure.Message),
    };

    public static AuthResult Authenticate(SignedRequestData request, SigV4Service service, string region, DateTimeOffset now, bool requireAuthentication,
        Func<string, SigningIdentity?> identities, bool acceptBearer = false)
    {
        if (!request.Headers.TryGetValue("authorization", out var authorization) || authorization.Length == 0)
        {
            return requireAuthentication ? Fail(AuthFailureKind.MissingToken, "Missing Authentication Token") : AuthResult.Anonymous;
        }

        if (acceptBearer && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..] == LocalCredentials.BearerToken
                ? AuthResult.Anonymous
                : Fail(AuthFailureKind.UnknownKey, "Invalid API Key format or unknown API key.");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return Fail(AuthFailureKind.IncompleteSignature, $"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={authorization.Split(' ')[0]}");
        }

        if (ParseAuthorization(authorization[(Algorithm.Length + 1)..]) is not { } parts)
        {
            return Fail(AuthFailureKind.IncompleteSignature, "Authorization header names one of its parameters more than once.");
        }

        foreach (var required in new[] { "Credential", "SignedHeaders", "Signature" })
        {
            if (!parts.ContainsKey(required))
            {
                return Fail(AuthFailureKind.IncompleteSignature, $"Authorization header requires '{required}' parameter. Authorization header requires 'Credential', 'Signature', 'SignedHeaders' parameters.");
            }
        }

        var scope = parts["Credential"].Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return Fail(AuthFailureKind.IncompleteSignature, $"Credential should be scoped to a valid region, service and 'aws4_request'. Credential={parts["Credential"]}");
        }

        var (accessKey, date, scopeRegion, scopeService) = (scope[0], scope[1], scope[2], scope[3]);
        if (identities(accessKey) is not { } identity)
        {
            return Fail(AuthFailureKind.UnknownKey, "The security token included in the request is invalid.");
        }

        if (identity.Temporary)
        {
            // Temporary credentials are only valid with their own session token, and only until they expire.
            var token = request.Headers.TryGetValue("x-amz-security-token", out var t) ? t : "";
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(identity.SessionToken!)))
            {
                return Fail(AuthFailureKind.UnknownKey, "The security token included in the request is invalid.");
            }

            if (now >= identity.Expiration)
            {
                return Fail(AuthFailureKind.ExpiredToken, "The security token included in the request is expired");
            }
        }

        if (scopeRegion != region)
        {
            return Fail(AuthFailureKind.InvalidSignature, $"Credential should be scoped to a valid region. Expected '{region}'.");
        }

        if (scopeService != service.Name)
        {
            return Fail(AuthFailureKind.InvalidSignature, $"Credential should be scoped to correct service: '{service.Name}'.");
        }

        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate)
            || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return Fail(AuthFailureKind.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (!amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return Fail(AuthFailureKind.InvalidSignature, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        var (nowUtc, skew) = (now.UtcDateTime, service.AllowedSkew);
        var minutes = skew.TotalMinutes.ToString(CultureInfo.InvariantCulture);
        if (signedAt < nowUtc - skew)
        {
            return Fail(AuthFailureKind.InvalidSignature, $"Signature expired: {amzDate} is now earlier than {Stamp(nowUtc - skew)} ({Stamp(nowUtc)} - {minutes} min.)");
        }

        if (signedAt > nowUtc + skew)
        {
            return Fail(AuthFailureKind.InvalidSignature, $"Signature not yet current: {amzDate} is still later than {Stamp(nowUtc + skew)} ({Stamp(nowUtc)} + {minutes} min.)");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(request.Body));
        if (request.Headers.TryGetValue("x-amz-content-sha256", out var declaredHash)
            && declaredHash != "UNSIGNED-PAYLOAD" && !declaredHash.Equals(bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AuthFailureKind.PayloadHashMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var signedHeaders = parts["SignedHeaders"];
        // Over HTTP/2 a client may sign the :authority pseudo-header instead of host (AWS's JavaScript SDK does).
        if (!signedHeaders.Split(';').Any(h => h is "host" or ":authority"))
        {
            return Fail(AuthFailureKind.InvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var canonical = CanonicalRequest(request, signedHeaders, declaredHash ?? bodyHash);
        var expected = AWS4Signer.ComputeSignature(identity.AccessKeyId, identity.SecretAccessKey, region, signedAt, service.Name, signedHeaders, canonical);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected.Signature), Encoding.ASCII.GetBytes(parts["Signature"]))
            ? new AuthResult(identity, null)
            : Fail(AuthFailureKind.InvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    /// <summary>The SigV4 canonical request: method, double-encoded path, sorted query, signed headers, payload hash.</summary>
    public static string CanonicalRequest(SignedRequestData request, string signedHeaders, string payloadHash)
    {
        var queryStart = request.RawTarget.IndexOf('?');
        var path = queryStart < 0 ? request.RawTarget : request.RawTarget[..queryStart];
        var query = queryStart < 0 ? "" : request.RawTarget[(queryStart + 1)..];
        var builder = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(EncodePath(path.Length == 0 ? "/" : path)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in signedHeaders.Split(';'))
        {
            // Kestrel hands HTTP/2's :authority to the application as Host.
            var value = request.Headers.TryGetValue(name == ":authority" ? "host" : name, out var v) ? v : "";
            builder.Append(name).Append(':').Append(CollapseSpaces(value.Trim())).Append('\n');
        }

        return builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash).ToString();
    }

    private static string EncodePath(string rawPath) => string.Join('/', rawPath.Split('/').Select(Encode));

    private static string CanonicalQuery(string query) => string.Join('&', query
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(kv => (Key: Encode(Uri.UnescapeDataString(kv[0])), Value: Encode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
        .OrderBy(kv => kv.Key, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
        .Select(kv => kv.Key + "=" + kv.Value));

    /// <summary>RFC 3986 encoding of everything but the unreserved characters, as SigV4 specifies.</summary>
    private static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The header's parameters, or null when one is named twice (which of them was signed is anyone's guess).</summary>
    private static Dictionary<string, string>? ParseAuthorization(string value)
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part => part.Split('=', 2)))
        {
            if (kv.Length == 2 && !parts.TryAdd(kv[0], kv[1]))
            {
                return null;
            }
        }

        return parts;
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static AuthResult Fail(AuthFailureKind kind, string message) => new(null, new AuthFailure(kind, message));

    private static BedrockError Error(string type, string message) => new(type, HttpStatusCode.Forbidden, message);
}
