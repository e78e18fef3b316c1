using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Configuration;

/// <summary>Everything the proxy reads from configuration section "Proxy" (appsettings.json, environment variables
/// such as <c>Proxy__ModelAliases__0__Alias</c>, command line). Every key is documented in the README.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>Customer name (from customers/&lt;name&gt;/&lt;env&gt;.yaml); used in metrics and logs.</summary>
    public string Customer { get; set; } = "local";

    /// <summary>Deployment environment (staging, prod, ...).</summary>
    public string Environment { get; set; } = "dev";

    /// <summary>Blue/green stage (green, prod) for metrics. On Lambda it defaults to the invoked alias; elsewhere the
    /// deployment sets it (each ECS service and Kubernetes Deployment is one stage).</summary>
    public string? Stage { get; set; }

    /// <summary>Model names clients may use, each mapped to a Nova model id, a cross-region inference profile id
    /// or an embedding model id. Indexed entries because Lambda environment variable names cannot hold '-' or '.'.</summary>
    public List<ModelAliasOptions> ModelAliases { get; set; } = [];

    public BedrockOptions Bedrock { get; set; } = new();

    public LimitsOptions Limits { get; set; } = new();

    public LambdaOptions Lambda { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public SharedLimitsOptions SharedLimits { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public PromptCachingOptions PromptCaching { get; set; } = new();

    public ImageFetchOptions ImageFetch { get; set; } = new();

    /// <summary>Bedrock service tier of requests that ask for none or for auto: auto (omit it: Bedrock's standard),
    /// default, flex or priority; applied only on models that offer it.</summary>
    public string ServiceTier { get; set; } = "auto";

    public BuiltInToolsOptions BuiltInTools { get; set; } = new();
}

/// <summary>Fetching http(s) image URLs on the client's behalf; off unless hosts are listed.</summary>
public sealed class ImageFetchOptions
{
    /// <summary>Hosts images may be fetched from: exact names, or "*.example.com" for its subdomains.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Also fetch from private and loopback addresses. For local tests only: it disables the SSRF guard.</summary>
    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>A Bedrock guardrail applied to every call (the customer's security.guardrail).</summary>
public sealed class GuardrailOptions
{
    public string? Identifier { get; set; }

    /// <summary>A version number or DRAFT.</summary>
    public string Version { get; set; } = "DRAFT";

    /// <summary>enabled, disabled or enabled_full.</summary>
    public string Trace { get; set; } = "disabled";
}

public sealed class TelemetryOptions
{
    /// <summary>CloudWatch namespace of the metrics (the customer's monitoring.custom_metrics.namespace).</summary>
    public string MetricsNamespace { get; set; } = "BedrockNovaProxy";

    /// <summary>Write one CloudWatch Embedded Metric Format line per request to stdout. Defaults to on under Lambda
    /// and ECS (where stdout goes to CloudWatch Logs), off elsewhere.</summary>
    public bool? Emf { get; set; }

    /// <summary>Log each request's messages and its answer, redacted, under the BedrockNovaProxy.Prompts category.
    /// Off by default: without it nothing of a prompt, an answer or a key is ever logged.</summary>
    public bool LogPrompts { get; set; }

    /// <summary>Longest text logged for one message or answer; the rest is cut off with a note of the full length.</summary>
    public int PromptLogMaxChars { get; set; } = 4096;
}

/// <summary>Who may call the proxy. Only SHA-256 hashes of API keys are ever configured.</summary>
public sealed class AuthOptions
{
    /// <summary>Accept requests without a key. For local development only; refused when keys are configured.</summary>
    public bool AllowAnonymous { get; set; }

    public List<ApiKeyOptions> Keys { get; set; } = [];
}

public sealed record ApiKeyOptions : AllowanceOptions
{
    /// <summary>A name for logs and metrics (never the key).</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Model names (aliases or model ids) this key may use; empty means every model.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Service tiers this key may ask for; empty means every tier.</summary>
    public List<string> ServiceTiers { get; set; } = [];

    /// <summary>From this moment on the key is refused (401 key_expired); none means it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

public sealed class BedrockOptions
{
    /// <summary>AWS Region of Bedrock Runtime. Defaults to AWS_REGION, then AWS_DEFAULT_REGION.</summary>
    public string? Region { get; set; }

    /// <summary>Bedrock Runtime endpoint. Defaults to AWS_ENDPOINT_URL_BEDROCK_RUNTIME, then AWS_ENDPOINT_URL, then
    /// https://bedrock-runtime.{region}.amazonaws.com.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Upper bound for one Bedrock call. Nova may take minutes; Lambda's own limit is 15 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A PEM file of the certificate authorities to trust for Bedrock and STS instead of the system's (a
    /// corporate TLS proxy's, or the local Bedrock's). Defaults to AWS_CA_BUNDLE, as AWS's SDKs read it.</summary>
    public string? CaBundle { get; set; }

    /// <summary>Parallel InvokeModel calls used to embed a batch of inputs.</summary>
    public int EmbeddingConcurrency { get; set; } = 4;

    public ResilienceOptions Resilience { get; set; } = new();

    public GuardrailOptions Guardrail { get; set; } = new();

    /// <summary>A role (in the customer's central AI account, typically) whose credentials sign every Bedrock call;
    /// the proxy's own credentials only call STS AssumeRole. Unset: the proxy's own credentials call Bedrock.</summary>
    public string? AssumeRoleArn { get; set; }

    /// <summary>RoleSessionName of the assumed session: shows in the role account's CloudTrail.</summary>
    public string AssumeRoleSessionName { get; set; } = "bedrock-nova-proxy";

    /// <summary>ExternalId, when the role's trust policy asks for one.</summary>
    public string? AssumeRoleExternalId { get; set; }

    /// <summary>STS endpoint for AssumeRole. Defaults to AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then
    /// https://sts.{region}.amazonaws.com.</summary>
    public string? StsEndpoint { get; set; }
}

/// <summary>Retries and the per-model circuit breaker around Bedrock calls.</summary>
public sealed class ResilienceOptions
{
    /// <summary>Extra attempts after a throttled or transient failure (0 turns retries off).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First backoff; it doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The circuit opens when at least this share of a model's calls fail...</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>...among at least this many calls...</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>...within this window,</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>and stays open this long (answers 503 with Retry-After) before letting a trial call through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class LimitsOptions
{
    /// <summary>Largest request body accepted; API Gateway's own limit is 10 MB and Lambda's 6 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Longest a request may take end to end; past it the client gets a 504 in OpenAI's shape. On Lambda the
    /// invocation's own deadline (less <see cref="LambdaOptions.DeadlineMargin"/>) applies when it comes first.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    // Checked on the parsed request before any image is fetched or Bedrock is called (Translation/RequestLimits.cs).
    // Bedrock documents no message count or text length limit; these two only bound what no Nova model could read.

    /// <summary>Messages in one request: generous for long agent loops.</summary>
    public int MaxMessages { get; set; } = 2048;

    /// <summary>Characters of text in one message: 1M tokens (the largest Nova context, Nova 2 Lite and Premier) at
    /// about 4 characters a token.</summary>
    public int MaxMessageChars { get; set; } = 4_000_000;

    /// <summary>Images in one request: Converse's Message.content allows up to 20.</summary>
    public int MaxImages { get; set; } = 20;

    /// <summary>Decoded bytes of one image, inline or fetched: Converse's 3.75 MB, read as MiB.</summary>
    public long MaxImageBytes { get; set; } = 3_932_160;

    /// <summary>Documents in one request: Converse and Nova allow up to five.</summary>
    public int MaxDocuments { get; set; } = 5;

    /// <summary>Decoded bytes of one document: Converse's and Nova's 4.5 MB, read as MiB.</summary>
    public long MaxDocumentBytes { get; set; } = 4_718_592;

    /// <summary>Decoded bytes of all images and documents of one request together (413 above): Nova's 25 MB payload
    /// limit less the base64 overhead that AWS asks callers to account for (25 MiB x 3/4).</summary>
    public long MaxMediaBytes { get; set; } = 19_660_800;
}

public sealed class LambdaOptions
{
    /// <summary>Answer invocations with streamed responses: true behind an API Gateway REST integration with
    /// ResponseTransferMode STREAM or a Function URL with InvokeMode RESPONSE_STREAM. ALB events are always buffered.</summary>
    public bool Streaming { get; set; }

    /// <summary>Invocations served at once (Lambda Managed Instances hand out several; classic Lambda one).
    /// Defaults to AWS_LAMBDA_MAX_CONCURRENCY, else 1.</summary>
    public int Concurrency { get; set; } = int.TryParse(System.Environment.GetEnvironmentVariable("AWS_LAMBDA_MAX_CONCURRENCY"), out var n) && n > 0 ? n : 1;

    /// <summary>Time kept in hand before the invocation deadline to answer 504 rather than be cut off by Lambda.</summary>
    public TimeSpan DeadlineMargin { get; set; } = TimeSpan.FromSeconds(1);
}
