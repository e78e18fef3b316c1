using System.Globalization;
using System.Text;
using System.Xml;
using Amazon.Runtime;

namespace BedrockNovaProxy.Bedrock.Sts;

/// <summary>One STS AssumeRole call (Query API, version 2011-06-15): what is asked and how it is put on the wire.
/// Pure: no I/O, unit-tested with tables of cases.</summary>
public sealed record AssumeRoleRequest(string RoleArn, string SessionName, string? ExternalId = null, int DurationSeconds = AssumeRoleRequest.DefaultDurationSeconds)
{
    public const string Version = "2011-06-15";
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>One hour: the longest a chained role session may last (the proxy's own identity is usually a role
    /// already), and every role's default MaxSessionDuration.</summary>
    public const int DefaultDurationSeconds = 3600;

    /// <summary>The form body: Action, Version, then the parameters, each RFC 3986-encoded.</summary>
    public string ToForm()
    {
        var form = new StringBuilder()
            .Append("Action=AssumeRole&Version=").Append(Version)
            .Append("&RoleArn=").Append(Uri.EscapeDataString(RoleArn))
            .Append("&RoleSessionName=").Append(Uri.EscapeDataString(SessionName))
            .Append("&DurationSeconds=").Append(DurationSeconds.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(ExternalId))
        {
            form.Append("&ExternalId=").Append(Uri.EscapeDataString(ExternalId));
        }

        return form.ToString();
    }

    public byte[] ToBody() => Encoding.UTF8.GetBytes(ToForm());
}

/// <summary>The temporary credentials AssumeRole issued. ToString never shows the secret or the token.</summary>
public sealed record AssumedRoleCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, string? AssumedRoleArn)
{
    public ImmutableCredentials ToImmutable() => new(AccessKeyId, SecretAccessKey, SessionToken);

    public override string ToString() => $"AssumedRoleCredentials {{ Expiration = {Expiration:O}, AssumedRoleArn = {AssumedRoleArn} }}";
}

/// <summary>An error STS answered with: HTTP status and ErrorResponse/Error/Code and Message.</summary>
public sealed record StsError(int Status, string Code, string Message, string? RequestId)
{
    /// <summary>Failures a later attempt can cure: STS's own faults and throttling. Everything else (AccessDenied,
    /// an invalid or expired caller token, a disabled Region, a bad parameter) stays until someone changes IAM.</summary>
    public bool Transient => Status >= 500 || Code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded"
        or "ServiceUnavailable" or "InternalFailure" or "IDPCommunicationError";
}

/// <summary>The proxy could not assume its Bedrock role. <see cref="Exception.Message"/> names the role and STS's
/// reason; it never holds credentials. <see cref="Transient"/> tells a passing failure (503) from a refusal (502).</summary>
public sealed class AssumeRoleException(string roleArn, string reason, bool transient, StsError? error = null, Exception? inner = null)
    : Exception($"The proxy could not assume the role {roleArn}: {reason}", inner)
{
    public string RoleArn { get; } = roleArn;
    public bool Transient { get; } = transient;

    /// <summary>STS's answer, when it gave one (null for an unreachable or unreadable STS).</summary>
    public StsError? Error { get; } = error;

    public static AssumeRoleException From(string roleArn, StsError error) =>
        new(roleArn, $"AWS STS answered {error.Code} (HTTP {error.Status}): {error.Message}", error.Transient, error);
}

/// <summary>Reads STS's XML answers (awsQuery protocol). Namespaces are ignored, as AWS's SDKs ignore them; DTDs are
/// refused and documents are bounded, so a hostile or broken endpoint cannot make the parser do much work.</summary>
public static class StsResponses
{
    public const int MaxResponseBytes = 64 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersInDocument = MaxResponseBytes,
    };

    /// <summary>AssumeRoleResponse/AssumeRoleResult/Credentials, or a <see cref="FormatException"/> naming what is missing.</summary>
    public static AssumedRoleCredentials ParseAssumeRole(byte[] xml)
    {
        var leaves = Leaves(xml);
        const string Result = "AssumeRoleResponse/AssumeRoleResult/";
        string Required(string path) => leaves.TryGetValue(Result + path, out var v) && v.Trim() is { Length: > 0 } value
            ? value : throw new FormatException($"The AssumeRole response has no {path}.");

        var expiration = Required("Credentials/Expiration");
        if (!DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expires))
        {
            throw new FormatException($"The AssumeRole response's Credentials/Expiration '{expiration}' is not an ISO 8601 time.");
        }

        return new AssumedRoleCredentials(Required("Credentials/AccessKeyId"), Required("Credentials/SecretAccessKey"),
            Required("Credentials/SessionToken"), expires, leaves.GetValueOrDefault(Result + "AssumedRoleUser/Arn"));
    }

    /// <summary>ErrorResponse/Error/Code and Message (and ErrorResponse/RequestId). A body that is not STS's XML (a
    /// load balancer's page, say) still gives an error from the status and <paramref name="reasonPhrase"/>.</summary>
    public static StsError ParseError(int status, byte[] body, string? reasonPhrase, string? requestIdHeader)
    {
        Dictionary<string, string> leaves;
        try
        {
            leaves = body.Length > 0 ? Leaves(body) : [];
        }
        catch (FormatException)
        {
            leaves = [];
        }

        var code = leaves.GetValueOrDefault("ErrorResponse/Error/Code");
        var message = leaves.GetValueOrDefault("ErrorResponse/Error/Message");
        return new StsError(status, string.IsNullOrWhiteSpace(code) ? $"Http{status}" : code.Trim(),
            string.IsNullOrWhiteSpace(message) ? reasonPhrase ?? "no message" : message.Trim(),
            leaves.GetValueOrDefault("ErrorResponse/RequestId") ?? requestIdHeader);
    }

    /// <summary>The text of every leaf element, keyed by the path of local names from the root ("A/B/C").</summary>
    private static Dictionary<string, string> Leaves(byte[] xml)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = new List<string>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xml, writable: false), Settings);
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when reader.IsEmptyElement:
                        leaves.TryAdd(Join(path, reader.LocalName), "");
                        break;
                    case XmlNodeType.Element:
                        path.Add(reader.LocalName);
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA when path.Count > 0:
                        var key = string.Join('/', path);
                        leaves[key] = leaves.TryGetValue(key, out var before) ? before + reader.Value : reader.Value;
                        break;
                    case XmlNodeType.EndElement when path.Count > 0:
                        path.RemoveAt(path.Count - 1);
                        break;
                }
            }
        }
        catch (XmlException e)
        {
            throw new FormatException($"Not well-formed XML (line {e.LineNumber}, position {e.LinePosition}).", e);
        }

        return leaves;
    }

    private static string Join(List<string> path, string leaf) => path.Count == 0 ? leaf : string.Join('/', path) + "/" + leaf;
}
