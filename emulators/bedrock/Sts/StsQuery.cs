using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock.Auth;

namespace BedrockNovaProxy.Emulators.Bedrock.Sts;

/// <summary>An STS error as the Query API answers it: ErrorResponse/Error/{Type, Code, Message}, with its HTTP status.</summary>
public sealed record StsError(string Code, HttpStatusCode Status, string Message, string Type = "Sender")
{
    public static StsError Validation(string message) => new("ValidationError", HttpStatusCode.BadRequest, message);

    public static StsError AccessDenied(string caller, string roleArn) =>
        new("AccessDenied", HttpStatusCode.Forbidden, $"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
}

/// <summary>Thrown by pure request handling to answer with an STS error.</summary>
public sealed class StsErrorException(StsError error) : Exception(error.Message)
{
    public StsError Error { get; } = error;
}

/// <summary>What an AssumeRole call is granted: the role, the session, how long it lasts, who asked.</summary>
public sealed record StsGrant(string RoleArn, string SessionName, string? ExternalId, TimeSpan Duration, string AssumedRoleArn, string CallerArn);

/// <summary>STS's Query API (version 2011-06-15), pure: form parameters in, a grant or an <see cref="StsError"/> out,
/// and the XML both are answered with. Parameter rules and limits are those of botocore's STS model; messages are
/// the "N validation error(s) detected" form AWS uses.</summary>
public static partial class StsQuery
{
    public const string Version = "2011-06-15";
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    public const int DefaultDurationSeconds = 3600;
    public const int ChainedSessionLimitSeconds = 3600;

    /// <summary>application/x-www-form-urlencoded (also the query string): '+' is a space, %XX a UTF-8 byte.</summary>
    public static Dictionary<string, string> ParseForm(string form)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            parameters[Decode(kv[0])] = kv.Length > 1 ? Decode(kv[1]) : "";
        }

        return parameters;
    }

    /// <summary>Which operation the parameters ask for, or the error for a missing or unknown Action/Version.</summary>
    public static string Operation(IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("Action", out var action) || action.Length == 0)
        {
            throw new StsErrorException(new StsError("MissingAction", HttpStatusCode.BadRequest, "Missing Action"));
        }

        var version = parameters.GetValueOrDefault("Version");
        if (version != Version || action is not ("AssumeRole" or "GetCallerIdentity"))
        {
            throw new StsErrorException(new StsError("InvalidAction", HttpStatusCode.BadRequest, $"Could not find operation {action} for version {version ?? "NO_VERSION_SPECIFIED"}"));
        }

        return action;
    }

    /// <summary>AssumeRole's rules: the model's constraints, the role's MaxSessionDuration, the one-hour limit of a
    /// chained session (a caller that is itself an assumed role), and the roles the emulator is told to refuse.</summary>
    public static StsGrant AssumeRole(IReadOnlyDictionary<string, string> parameters, SigningIdentity? caller, StsOptions options)
    {
        var problems = new List<string>();
        var roleArn = parameters.GetValueOrDefault("RoleArn");
        var sessionName = parameters.GetValueOrDefault("RoleSessionName");
        var externalId = parameters.GetValueOrDefault("ExternalId");
        var durationText = parameters.GetValueOrDefault("DurationSeconds");
        Check(problems, "roleArn", roleArn, 20, 2048, null);
        Check(problems, "roleSessionName", sessionName, 2, 64, SessionNamePattern());
        if (externalId is not null)
        {
            Check(problems, "externalId", externalId, 2, 1224, ExternalIdPattern());
        }

        var duration = DefaultDurationSeconds;
        if (durationText is not null)
        {
            if (!int.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out duration))
            {
                problems.Add($"Value '{durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be a number");
            }
            else if (duration is < 900 or > 43200)
            {
                problems.Add($"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value {(duration < 900 ? "greater than or equal to 900" : "less than or equal to 43200")}");
            }
        }

        if (problems.Count > 0)
        {
            throw new StsErrorException(StsError.Validation(
                $"{problems.Count} validation error{(problems.Count == 1 ? "" : "s")} detected: {string.Join("; ", problems)}"));
        }

        var role = RoleArnPattern().Match(roleArn!);
        if (!role.Success)
        {
            throw new StsErrorException(StsError.Validation($"{roleArn} is invalid"));
        }

        var callerArn = caller?.Principal ?? LocalCredentials.PrincipalArn;
        if (options.DeniedRoleArns.Contains(roleArn!, StringComparer.Ordinal))
        {
            throw new StsErrorException(StsError.AccessDenied(callerArn, roleArn!));
        }

        if (caller is { Temporary: true } && duration > ChainedSessionLimitSeconds)
        {
            throw new StsErrorException(StsError.Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
        }

        if (TimeSpan.FromSeconds(duration) > options.MaxSessionDuration)
        {
            throw new StsErrorException(StsError.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
        }

        var assumedRoleArn = $"arn:{role.Groups["partition"].Value}:sts::{role.Groups["account"].Value}:assumed-role/{role.Groups["name"].Value}/{sessionName}";
        return new StsGrant(roleArn!, sessionName!, externalId, TimeSpan.FromSeconds(duration), assumedRoleArn, callerArn);
    }

    public static string AssumeRoleResponse(StsSession session, string requestId)
    {
        XNamespace ns = Namespace;
        return new XElement(ns + "AssumeRoleResponse",
            new XElement(ns + "AssumeRoleResult",
                new XElement(ns + "AssumedRoleUser",
                    new XElement(ns + "AssumedRoleId", RoleId(session.RoleArn) + ":" + session.SessionName),
                    new XElement(ns + "Arn", session.AssumedRoleArn)),
                new XElement(ns + "Credentials",
                    new XElement(ns + "AccessKeyId", session.AccessKeyId),
                    new XElement(ns + "SecretAccessKey", session.SecretAccessKey),
                    new XElement(ns + "SessionToken", session.SessionToken),
                    new XElement(ns + "Expiration", session.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)))),
            Metadata(ns, requestId)).ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Who signed: the fixed local user, or the assumed role of a session.</summary>
    public static string GetCallerIdentityResponse(SigningIdentity? caller, string requestId)
    {
        XNamespace ns = Namespace;
        var arn = caller?.Principal ?? LocalCredentials.PrincipalArn;
        var account = arn.Split(':') is { Length: > 4 } parts ? parts[4] : "";
        return new XElement(ns + "GetCallerIdentityResponse",
            new XElement(ns + "GetCallerIdentityResult",
                new XElement(ns + "Arn", arn),
                new XElement(ns + "UserId", caller?.AccessKeyId ?? LocalCredentials.AccessKeyId),
                new XElement(ns + "Account", account)),
            Metadata(ns, requestId)).ToString(SaveOptions.DisableFormatting);
    }

    public static string ErrorResponse(StsError error, string requestId)
    {
        XNamespace ns = Namespace;
        return new XElement(ns + "ErrorResponse",
            new XElement(ns + "Error",
                new XElement(ns + "Type", error.Type),
                new XElement(ns + "Code", error.Code),
                new XElement(ns + "Message", error.Message)),
            new XElement(ns + "RequestId", requestId)).ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>STS's (awsQuery) names for each authentication failure; IncompleteSignature is a 400, the rest 403.</summary>
    public static StsError FromAuth(AuthFailure failure) => failure.Kind switch
    {
        AuthFailureKind.MissingToken => new("MissingAuthenticationToken", HttpStatusCode.Forbidden, "Request is missing Authentication Token"),
        AuthFailureKind.IncompleteSignature => new("IncompleteSignature", HttpStatusCode.BadRequest, failure.Message),
        AuthFailureKind.UnknownKey => new("InvalidClientTokenId", HttpStatusCode.Forbidden, failure.Message),
        AuthFailureKind.ExpiredToken => new("ExpiredToken", HttpStatusCode.Forbidden, failure.Message),
        _ => new("SignatureDoesNotMatch", HttpStatusCode.Forbidden, failure.Message),
    };

    private static XElement Metadata(XNamespace ns, string requestId) => new(ns + "ResponseMetadata", new XElement(ns + "RequestId", requestId));

    /// <summary>A stable role id (AROA...) for a role ARN, as IAM gives each role one.</summary>
    private static string RoleId(string roleArn) =>
        "AROA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(roleArn)))[..17];

    private static void Check(List<string> problems, string member, string? value, int min, int max, Regex? pattern)
    {
        if (value is null)
        {
            problems.Add($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
        }
        else if (value.Length < min || value.Length > max)
        {
            problems.Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length {(value.Length < min ? $"greater than or equal to {min}" : $"less than or equal to {max}")}");
        }
        else if (pattern is not null && !pattern.IsMatch(value))
        {
            problems.Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern.ToString().Trim('^', '$')}");
        }
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[\w+=,.@:\/-]*$")]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"^arn:(?<partition>aws[a-z-]*):iam::(?<account>[0-9]{12}):role/(?:[\x21-\x7E]*/)?(?<name>[\w+=,.@-]{1,64})$")]
    private static partial Regex RoleArnPattern();
}
