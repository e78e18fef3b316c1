using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using BedrockNovaProxy.Emulators.Bedrock.Wire;

namespace BedrockNovaProxy.Emulators.Bedrock.Auth;

/// <summary>What the verifier needs of a request: the method, the raw request target exactly as sent (the path
/// stays percent-encoded), the headers and the body.</summary>
public sealed record SignedRequestData(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>Verifies AWS Signature Version 4 the way AWS does for Bedrock Runtime, and answers with the error
/// types and messages AWS uses. Pure: the clock comes in as an argument.
/// The canonical request is rebuilt from the raw path encoded once more (non-S3 services double-encode), so a
/// client that signs the single-encoded path is rejected exactly as Bedrock would reject it.</summary>
public static class SigV4Verifier
{
    public const string Service = "bedrock";
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    public static BedrockError? Verify(SignedRequestData request, string region, DateTimeOffset now, bool requireAuthentication)
    {
        if (!request.Headers.TryGetValue("authorization", out var authorization) || authorization.Length == 0)
        {
            return requireAuthentication ? Error("MissingAuthenticationTokenException", "Missing Authentication Token") : null;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..] == LocalCredentials.BearerToken
                ? null
                : Error("UnrecognizedClientException", "Invalid API Key format or unknown API key.");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return Error("IncompleteSignatureException", $"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={authorization.Split(' ')[0]}");
        }

        var parts = ParseAuthorization(authorization[(Algorithm.Length + 1)..]);
        foreach (var required in new[] { "Credential", "SignedHeaders", "Signature" })
        {
            if (!parts.ContainsKey(required))
            {
                return Error("IncompleteSignatureException", $"Authorization header requires '{required}' parameter. Authorization header requires 'Credential', 'Signature', 'SignedHeaders' parameters.");
            }
        }

        var scope = parts["Credential"].Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return Error("IncompleteSignatureException", $"Credential should be scoped to a valid region, service and 'aws4_request'. Credential={parts["Credential"]}");
        }

        var (accessKey, date, scopeRegion, service) = (scope[0], scope[1], scope[2], scope[3]);
        if (accessKey != LocalCredentials.AccessKeyId)
        {
            return Error("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scopeRegion != region)
        {
            return Error("InvalidSignatureException", $"Credential should be scoped to a valid region. Expected '{region}'.");
        }

        if (service != Service)
        {
            return Error("InvalidSignatureException", $"Credential should be scoped to correct service: '{Service}'.");
        }

        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate)
            || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return Error("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (!amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return Error("InvalidSignatureException", $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        var nowUtc = now.UtcDateTime;
        if (signedAt < nowUtc - AllowedSkew)
        {
            return Error("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier than {Stamp(nowUtc - AllowedSkew)} ({Stamp(nowUtc)} - 5 min.)");
        }

        if (signedAt > nowUtc + AllowedSkew)
        {
            return Error("InvalidSignatureException", $"Signature not yet current: {amzDate} is still later than {Stamp(nowUtc + AllowedSkew)} ({Stamp(nowUtc)} + 5 min.)");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(request.Body));
        if (request.Headers.TryGetValue("x-amz-content-sha256", out var declaredHash)
            && declaredHash != "UNSIGNED-PAYLOAD" && !declaredHash.Equals(bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            return Error("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var signedHeaders = parts["SignedHeaders"];
        if (!signedHeaders.Split(';').Contains("host"))
        {
            return Error("InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var canonical = CanonicalRequest(request, signedHeaders, declaredHash ?? bodyHash);
        var expected = AWS4Signer.ComputeSignature(LocalCredentials.AccessKeyId, LocalCredentials.SecretAccessKey, region, signedAt, Service, signedHeaders, canonical);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected.Signature), Encoding.ASCII.GetBytes(parts["Signature"]))
            ? null
            : Error("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
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
            var value = request.Headers.TryGetValue(name, out var v) ? v : "";
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

    private static Dictionary<string, string> ParseAuthorization(string value) => value
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(part => part.Split('=', 2))
        .Where(kv => kv.Length == 2)
        .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    private static string Stamp(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static BedrockError Error(string type, string message) => new(type, HttpStatusCode.Forbidden, message);
}
