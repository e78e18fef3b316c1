using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Configuration;

/// <summary>The proxy's configuration after start-up checks: options plus the Region and endpoint resolved from the
/// standard AWS variables. Built once; an invalid configuration stops the start with every problem listed.</summary>
public sealed partial record ProxyConfiguration(ProxyOptions Options, string Region, Uri BedrockEndpoint, ModelResolver Models)
{
    /// <summary>The role Bedrock calls are signed as, when Proxy:Bedrock:AssumeRoleArn is set.</summary>
    public AssumeRoleSettings? AssumeRole { get; init; }

    /// <summary>The file of Proxy:Bedrock:CaBundle or AWS_CA_BUNDLE, when one is set.</summary>
    public string? CaBundlePath { get; init; }

    /// <summary>The certificate authorities read from <see cref="CaBundlePath"/>: the only ones Bedrock's and STS's
    /// certificates may chain to. Null: the system's.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRoots { get; init; }

    public static ProxyConfiguration Load(IConfiguration configuration)
    {
        var options = new ProxyOptions();
        configuration.GetSection(ProxyOptions.Section).Bind(options);
        var (result, errors) = Validate(options, configuration);
        if (result?.CaBundlePath is { } bundle)
        {
            var (roots, error) = CaBundle.Read(bundle);
            if (error is null)
            {
                result = result with { TrustedRoots = roots };
            }
            else
            {
                errors.Add(error);
                result = null;
            }
        }

        return result ?? throw new InvalidOperationException(
            "The proxy's configuration is invalid:" + string.Concat(errors.Select(e => Environment.NewLine + " - " + e)));
    }

    /// <summary>Pure: every problem, each naming its configuration key.</summary>
    public static (ProxyConfiguration? Result, List<string> Errors) Validate(ProxyOptions options, IConfiguration configuration)
    {
        var errors = new List<string>();
        var region = FirstSet(options.Bedrock.Region, configuration["AWS_REGION"], configuration["AWS_DEFAULT_REGION"]);
        if (region is null)
        {
            errors.Add("No AWS Region: set Proxy:Bedrock:Region or AWS_REGION.");
        }
        else if (!RegionPattern().IsMatch(region))
        {
            errors.Add($"Proxy:Bedrock:Region / AWS_REGION: '{region}' is not an AWS Region name (like us-east-1).");
        }

        var endpointText = FirstSet(options.Bedrock.Endpoint, configuration["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"], configuration["AWS_ENDPOINT_URL"]);
        Uri? endpoint = null;
        if (endpointText is not null)
        {
            if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                errors.Add($"Proxy:Bedrock:Endpoint / AWS_ENDPOINT_URL_BEDROCK_RUNTIME: '{endpointText}' is not an absolute http(s) URL.");
                endpoint = null;
            }
        }
        else if (region is not null)
        {
            endpoint = new Uri($"https://bedrock-runtime.{region}.{DomainOf(region)}");
        }

        if (options.Bedrock.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("Proxy:Bedrock:RequestTimeout must be positive.");
        }

        if (options.Bedrock.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add("Proxy:Bedrock:ConnectTimeout must be positive.");
        }

        if (options.Bedrock.EmbeddingConcurrency < 1)
        {
            errors.Add("Proxy:Bedrock:EmbeddingConcurrency must be at least 1.");
        }

        if (options.Limits.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("Proxy:Limits:RequestTimeout must be positive.");
        }

        if (options.Lambda.Concurrency < 1)
        {
            errors.Add("Proxy:Lambda:Concurrency must be at least 1.");
        }

        if (options.Limits.MaxRequestBodyBytes < 1024)
        {
            errors.Add("Proxy:Limits:MaxRequestBodyBytes must be at least 1024.");
        }

        var limits = options.Limits;
        foreach (var (name, value) in new (string, long)[]
        {
            ("MaxMessages", limits.MaxMessages), ("MaxMessageChars", limits.MaxMessageChars), ("MaxImages", limits.MaxImages),
            ("MaxImageBytes", limits.MaxImageBytes), ("MaxDocuments", limits.MaxDocuments), ("MaxDocumentBytes", limits.MaxDocumentBytes),
            ("MaxMediaBytes", limits.MaxMediaBytes),
        })
        {
            if (value < 1)
            {
                errors.Add($"Proxy:Limits:{name} must be at least 1.");
            }
        }

        if (options.Telemetry.PromptLogMaxChars < 1)
        {
            errors.Add("Proxy:Telemetry:PromptLogMaxChars must be at least 1.");
        }

        if (options.ImageFetch.MaxBytes < 1 || options.ImageFetch.Timeout <= TimeSpan.Zero)
        {
            errors.Add("Proxy:ImageFetch: MaxBytes must be at least 1 and Timeout positive.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ModelAliases.Count; i++)
        {
            var alias = options.ModelAliases[i];
            var key = $"Proxy:ModelAliases:{i}";
            if (string.IsNullOrWhiteSpace(alias.Alias))
            {
                errors.Add($"{key}:Alias is empty.");
            }
            else if (!seen.Add(alias.Alias))
            {
                errors.Add($"{key}:Alias '{alias.Alias}' is defined twice.");
            }

            if (region is not null && ModelResolver.ResolveTarget(alias.Model, region, out var error) is null)
            {
                errors.Add($"{key}:Model: {error}");
            }
        }

        var resilience = options.Bedrock.Resilience;
        if (resilience.MaxRetries is < 0 or > 10 || resilience.RetryBaseDelay <= TimeSpan.Zero)
        {
            errors.Add("Proxy:Bedrock:Resilience: MaxRetries must be 0-10 and RetryBaseDelay positive.");
        }

        if (resilience.FailureRatio is <= 0 or > 1 || resilience.MinimumThroughput < 2
            || resilience.SamplingDuration < TimeSpan.FromMilliseconds(500) || resilience.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add("Proxy:Bedrock:Resilience: FailureRatio must be in (0, 1], MinimumThroughput at least 2, SamplingDuration and BreakDuration at least 0.5 s.");
        }

        if (options.Bedrock.Guardrail is { Identifier: { Length: > 0 } } guardrail)
        {
            if (!GuardrailVersionPattern().IsMatch(guardrail.Version))
            {
                errors.Add($"Proxy:Bedrock:Guardrail:Version: '{guardrail.Version}' is not a guardrail version (a number from 1, or DRAFT).");
            }

            if (guardrail.Trace is not ("enabled" or "disabled" or "enabled_full"))
            {
                errors.Add($"Proxy:Bedrock:Guardrail:Trace: '{guardrail.Trace}' must be enabled, disabled or enabled_full.");
            }
        }

        if (!Translation.ServiceTierMapping.Names.Contains(options.ServiceTier))
        {
            errors.Add($"Proxy:ServiceTier: '{options.ServiceTier}' must be one of {string.Join(", ", Translation.ServiceTierMapping.Names)}.");
        }

        ValidateAuth(options.Auth, region, errors);
        var assumeRole = ValidateAssumeRole(options.Bedrock, configuration, region, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ProxyConfiguration(options, region!, endpoint!, new ModelResolver(options.ModelAliases, region!))
        {
            AssumeRole = assumeRole,
            CaBundlePath = FirstSet(options.Bedrock.CaBundle, configuration["AWS_CA_BUNDLE"]),
        }, errors);
    }

    private static AssumeRoleSettings? ValidateAssumeRole(BedrockOptions bedrock, IConfiguration configuration, string? region, List<string> errors)
    {
        var roleArn = FirstSet(bedrock.AssumeRoleArn);
        var externalId = FirstSet(bedrock.AssumeRoleExternalId);
        if (roleArn is null)
        {
            if (externalId is not null)
            {
                errors.Add("Proxy:Bedrock:AssumeRoleExternalId is set but Proxy:Bedrock:AssumeRoleArn is not: an external ID is only sent when assuming a role.");
            }

            return null;
        }

        var problems = errors.Count;
        if (roleArn.Length > 2048 || !RoleArnPattern().IsMatch(roleArn))
        {
            errors.Add($"Proxy:Bedrock:AssumeRoleArn: '{roleArn}' is not an IAM role ARN (like arn:aws:iam::123456789012:role/bedrock-access).");
        }

        var sessionName = bedrock.AssumeRoleSessionName?.Trim() ?? "";
        if (!SessionNamePattern().IsMatch(sessionName))
        {
            errors.Add($"Proxy:Bedrock:AssumeRoleSessionName: '{sessionName}' must be 2 to 64 letters, digits or any of _+=,.@- (STS's RoleSessionName).");
        }

        if (externalId is not null && !ExternalIdPattern().IsMatch(externalId))
        {
            // The value stays out of the message: whoever knows it may assume the role.
            errors.Add("Proxy:Bedrock:AssumeRoleExternalId must be 2 to 1224 letters, digits or any of _+=,.@:/- (STS's ExternalId).");
        }

        var stsText = FirstSet(bedrock.StsEndpoint, configuration["AWS_ENDPOINT_URL_STS"], configuration["AWS_ENDPOINT_URL"]);
        Uri? sts = null;
        if (stsText is not null)
        {
            if (!Uri.TryCreate(stsText, UriKind.Absolute, out sts) || sts.Scheme is not ("http" or "https"))
            {
                errors.Add($"Proxy:Bedrock:StsEndpoint / AWS_ENDPOINT_URL_STS: '{stsText}' is not an absolute http(s) URL.");
            }
        }
        else if (region is not null)
        {
            sts = new Uri($"https://sts.{region}.{DomainOf(region)}");
        }

        if (errors.Count > problems || sts is null || region is null)
        {
            return null;
        }

        // The global endpoint is signed for us-east-1 (botocore's STS endpoint rules); a regional one for its Region.
        var signingRegion = sts.Host.Equals("sts.amazonaws.com", StringComparison.OrdinalIgnoreCase) ? "us-east-1" : region;
        return new AssumeRoleSettings(roleArn, sessionName, externalId, sts, signingRegion);
    }

    private static string DomainOf(string region) => region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    private static void ValidateAuth(AuthOptions auth, string? region, List<string> errors)
    {
        if (auth.Keys.Count == 0 && !auth.AllowAnonymous)
        {
            errors.Add("Proxy:Auth:Keys is empty: configure API keys (SHA-256 hashes), or set Proxy:Auth:AllowAnonymous=true for local development.");
        }

        if (auth.Keys.Count > 0 && auth.AllowAnonymous)
        {
            errors.Add("Proxy:Auth:AllowAnonymous cannot be true when Proxy:Auth:Keys are configured.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < auth.Keys.Count; i++)
        {
            var key = auth.Keys[i];
            var path = $"Proxy:Auth:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                errors.Add($"{path}:Name is empty or used twice.");
            }

            if (!Sha256Pattern().IsMatch(key.Sha256))
            {
                errors.Add($"{path}:Sha256 must be 64 lower-case hex characters (the SHA-256 of the key), never the key itself.");
            }
            else if (!hashes.Add(key.Sha256))
            {
                errors.Add($"{path}:Sha256 is the same key as another entry.");
            }

            if (key.RequestsPerMinute < 0 || key.TokensPerMinute < 0)
            {
                errors.Add($"{path}: RequestsPerMinute and TokensPerMinute cannot be negative.");
            }

            if (key.ServiceTiers.FirstOrDefault(t => !Translation.ServiceTierMapping.Names.Contains(t)) is { } tier)
            {
                errors.Add($"{path}:ServiceTiers: '{tier}' must be one of {string.Join(", ", Translation.ServiceTierMapping.Names)}.");
            }
        }
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    [GeneratedRegex("^(DRAFT|[1-9][0-9]{0,7})$")]
    private static partial Regex GuardrailVersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$")]
    private static partial Regex RegionPattern();

    /// <summary>arn:{partition}:iam::{12-digit account}:role/{optional path/}{name}; names as IAM allows them.</summary>
    [GeneratedRegex("^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\\x21-\\x7E]*/)?[A-Za-z0-9_+=,.@-]{1,64}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex("^[A-Za-z0-9_+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_+=,.@:/-]{2,1224}$")]
    private static partial Regex ExternalIdPattern();
}

/// <summary>Proxy:Bedrock:AssumeRole* resolved: the AssumeRole parameters and where STS is, with the Region it signs for.</summary>
public sealed record AssumeRoleSettings(string RoleArn, string SessionName, string? ExternalId, Uri StsEndpoint, string SigningRegion);
