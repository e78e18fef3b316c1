using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Aws;

namespace BedrockNovaProxy.GitOps.Validation;

/// <summary>What the schema cannot say: rules across keys, against AWS's limits and against the model catalog.
/// Pure: a parsed file in, findings out. Each finding names its rule (the codes are listed in docs/gitops.md).</summary>
public static class Rules
{
    /// <summary>API Gateway REST's integration timeout for buffered (not streamed) responses.</summary>
    public const int ApiGatewayBufferedTimeoutSeconds = 29;

    public static IEnumerable<Diagnostic> Check(string file, CustomerConfig c, SourceMap map, DateOnly today)
    {
        var findings = new List<Diagnostic>();
        void Error(string pointer, string code, string message, string? hint = null, bool atKey = false) =>
            findings.Add(new(file, atKey ? map.Key(pointer) : map.Value(pointer), Severity.Error, code, message, hint));
        void Warn(string pointer, string code, string message, string? hint = null) =>
            findings.Add(new(file, map.Value(pointer), Severity.Warning, code, message, hint));

        var region = c.Customer.Region;

        // Where the file is must say what it is: customers/<name>/<environment>.yaml.
        var folder = Path.GetFileName(Path.GetDirectoryName(file));
        var stem = Path.GetFileNameWithoutExtension(file);
        if (folder != c.Customer.Name)
        {
            Error("/customer/name", "file-name", $"customer.name is '{c.Customer.Name}' but the file is in folder '{folder}'",
                $"move the file to customers/{c.Customer.Name}/ or rename the customer");
        }

        if (stem != c.Customer.Environment)
        {
            Error("/customer/environment", "file-name", $"customer.environment is '{c.Customer.Environment}' but the file is named '{stem}'",
                $"name the file {c.Customer.Environment}.yaml");
        }

        if (!NovaRegions.Offers(region))
        {
            Error("/customer/region", "region", $"Amazon Nova is not offered in {region}",
                $"choose a Region with Nova, e.g. {string.Join(", ", NovaRegions.Recommended)}");
        }

        CheckArns(c, Error, Warn);
        CheckNetwork(c, Error, Warn);
        CheckModels(c, today, Error, Warn);
        CheckPerformance(c, Error, Warn);
        CheckMonitoring(c, Error);
        CheckAuth(c, Error);
        CheckKeyExpiry(c, today, Warn);
        CheckGate(c, Error);

        var env = ProxySettings.For(c, lambda: true);
        if (c.HasServerless && ProxySettings.Size(env) > ProxySettings.LambdaEnvironmentLimitBytes - 512)
        {
            Error("/auth/keys", "lambda-environment",
                $"the proxy's settings take {ProxySettings.Size(env)} bytes of Lambda environment, above the {ProxySettings.LambdaEnvironmentLimitBytes - 512} this stack allows (Lambda's limit is 4 KB in all)",
                "use fewer API keys or aliases per stack");
        }

        return findings;
    }

    private delegate void Report(string pointer, string code, string message, string? hint = null, bool atKey = false);

    private delegate void Warning(string pointer, string code, string message, string? hint = null);

    private static void CheckArns(CustomerConfig c, Report error, Warning warn)
    {
        var region = c.Customer.Region;
        var account = c.Customer.AccountId;
        var partition = NovaRegions.Partition(region);

        void SameRegionAndAccount(string pointer, string? text, string what, bool accountMustMatch)
        {
            if (Arn.TryParse(text) is not { } arn)
            {
                return;
            }

            if (arn.Partition != partition)
            {
                error(pointer, "arn", $"{what} is in partition '{arn.Partition}' but {region} is in '{partition}'");
            }

            if (arn.Region.Length > 0 && arn.Region != region)
            {
                error(pointer, "arn", $"{what} is in {arn.Region} but the stack is in {region}", $"use a {what} in {region}");
            }

            if (arn.Account != account)
            {
                if (accountMustMatch)
                {
                    error(pointer, "arn", $"{what} belongs to account {arn.Account}, not the stack's account {account}", $"use a {what} of account {account}");
                }
                else
                {
                    warn(pointer, "arn", $"{what} belongs to account {arn.Account}, not the stack's account {account}",
                        "a cross-account resource needs a resource policy that lets this account use it");
                }
            }
        }

        SameRegionAndAccount("/security/encryption/kms_key_id", c.Security.Encryption.Enabled ? c.Security.Encryption.KmsKeyId : null, "KMS key", accountMustMatch: false);
        SameRegionAndAccount("/monitoring/alerts/sns_topic_arn", c.Monitoring.Alerts.Enabled ? c.Monitoring.Alerts.SnsTopicArn : null, "SNS topic", accountMustMatch: false);

        var domain = c.Deployment.CustomDomain;
        if (domain.Enabled && Arn.TryParse(domain.CertificateArn) is { } certificate)
        {
            var wanted = domain.EndpointType == "EDGE" ? "us-east-1" : region;
            if (certificate.Region != wanted)
            {
                error("/deployment/custom_domain/certificate_arn", "arn",
                    domain.EndpointType == "EDGE"
                        ? $"an EDGE custom domain needs its ACM certificate in us-east-1, not {certificate.Region}"
                        : $"a REGIONAL custom domain needs its ACM certificate in the stack's Region {region}, not {certificate.Region}",
                    $"request or import the certificate in {wanted}");
            }

            if (certificate.Account != account)
            {
                error("/deployment/custom_domain/certificate_arn", "arn", $"the ACM certificate belongs to account {certificate.Account}, not {account}",
                    "ACM certificates cannot be used across accounts: issue one in the stack's account");
            }
        }

        if (c.Security.CrossAccount is { Enabled: true, RoleArn: { } role } && Arn.TryParse(role) is { } roleArn && roleArn.Account == account)
        {
            warn("/security/cross_account/role_arn", "arn", $"the cross-account role is in the stack's own account {account}",
                "grant Bedrock access to the proxy's own role instead, or name the role of the account that holds model access");
        }

        foreach (var (pointer, repository) in new[] { ("/deployment/container/image_repository", c.HasContainer ? c.Deployment.Container?.ImageRepository : null),
                     ("/deployment/eks/image_repository", c.HasEks ? c.Deployment.Eks?.ImageRepository : null) })
        {
            if (repository is { } repo && repo.Split('.') is [var repoAccount, "dkr", "ecr", var repoRegion, ..])
            {
                if (repoAccount != account)
                {
                    warn(pointer, "arn", $"the image repository belongs to account {repoAccount}, not {account}",
                        "its repository policy must allow this account to pull");
                }

                if (repoRegion != region)
                {
                    warn(pointer, "arn", $"the image repository is in {repoRegion}, not {region}: every pull crosses Regions",
                        $"replicate the repository to {region}");
                }
            }
        }

        if (c.HasEks && c.Deployment.Eks is { } eks && eks.OidcProvider.Split('.') is [_, _, var oidcRegion, ..] && oidcRegion != region)
        {
            error("/deployment/eks/oidc_provider", "arn", $"the cluster's OIDC provider is in {oidcRegion} but the stack is in {region}",
                "deploy the stack in the cluster's Region");
        }
    }

    private static void CheckNetwork(CustomerConfig c, Report error, Warning warn)
    {
        var vpc = c.Deployment.Vpc;
        if (vpc.Enabled && vpc.SubnetIds.Count < 2)
        {
            error("/deployment/vpc/subnet_ids", "vpc-subnets", $"a VPC deployment needs at least two subnets (in different Availability Zones), got {vpc.SubnetIds.Count}",
                "add a private subnet of a second Availability Zone");
        }

        if (c.HasContainer && !vpc.Enabled)
        {
            error("/deployment/vpc", "vpc-required", $"a {c.TypeName} deployment runs ECS tasks, which need the VPC",
                "set deployment.vpc.enabled: true with vpc_id and subnet_ids");
        }

        if (c.HasContainer && c.Deployment.Container is { } container)
        {
            var lbSubnets = container.LoadBalancer.SubnetIds.Count > 0 ? container.LoadBalancer.SubnetIds : vpc.SubnetIds;
            if (lbSubnets.Count < 2)
            {
                error("/deployment/container/load_balancer", "vpc-subnets", "an Application Load Balancer needs subnets in at least two Availability Zones",
                    "list two or more load_balancer.subnet_ids");
            }

            if (container.LoadBalancer.TestListenerPort is 80 or 443 || container.LoadBalancer.TestListenerPort == container.Port)
            {
                error("/deployment/container/load_balancer/test_listener_port", "ports", "the green test listener must not share the prod listener's port or the container port");
            }
        }

        if (c.Deployment.Type == DeploymentType.Serverless && c.Deployment.Container is not null)
        {
            warn("/deployment/container", "unused", "deployment.container is ignored by a serverless deployment", "remove it, or use type hybrid");
        }

        if (c.Deployment.Type != DeploymentType.Eks && c.Deployment.Eks is not null)
        {
            warn("/deployment/eks", "unused", $"deployment.eks is ignored by a {c.TypeName} deployment", "remove it, or use type eks");
        }

        if (c.Deployment.CustomDomain.Enabled && c.HasEks)
        {
            warn("/deployment/custom_domain", "unused", "an eks deployment does not render a custom domain (the cluster's ingress owns DNS)");
        }
    }

    private static void CheckModels(CustomerConfig c, DateOnly today, Report error, Warning warn)
    {
        var region = c.Customer.Region;
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, model) in c.Models.Mappings)
        {
            var pointer = $"/models/mappings/{YamlJson.Escape(alias)}";
            if (seen.TryGetValue(alias, out var other))
            {
                error(pointer, "duplicate-alias", $"alias '{alias}' differs from '{other}' only by case; clients would not know which they get",
                    "keep one of them", atKey: true);
            }

            seen[alias] = alias;
            if (ModelCatalog.Find(alias) is not null && alias != model)
            {
                error(pointer, "duplicate-alias", $"alias '{alias}' is itself a Bedrock model id but maps to '{model}'", "use another alias name", atKey: true);
            }

            if (ModelResolver.ResolveTarget(model, region, out var why) is not { } resolved)
            {
                error(pointer, "unknown-model", $"'{model}' for alias '{alias}': {why}",
                    $"use one of {string.Join(", ", ModelCatalog.All.Select(m => m.Id))}, or its inference profile (us.{ModelCatalog.All[0].Id})");
                continue;
            }

            var geo = ModelCatalog.GeoOf(region);
            var bedrockId = resolved.BedrockModelId;
            var dot = bedrockId.IndexOf('.', StringComparison.Ordinal);
            if (!bedrockId.StartsWith("arn:", StringComparison.Ordinal) && dot > 0 && ModelCatalog.ProfilePrefixes.Contains(bedrockId[..dot])
                && bedrockId[..dot] is var prefix && prefix != "global" && prefix != geo)
            {
                error(pointer, "unknown-model", $"'{model}' is a {prefix}. inference profile, which cannot be called from {region}",
                    geo is null ? "use the global. profile or the bare model id" : $"use {geo}.{resolved.Spec.Id}");
            }

            if (Arn.TryParse(model) is { } arn && (arn.Region != region || (arn.Account.Length > 0 && arn.Account != c.Customer.AccountId)))
            {
                error(pointer, "unknown-model", $"the model ARN is for {arn.Region}/{(arn.Account.Length > 0 ? arn.Account : "AWS")}, but the stack calls Bedrock in {region} from {c.Customer.AccountId}",
                    "use the model or profile id; the proxy builds the ARN for its Region");
            }

            CheckLifecycle(resolved.Spec, pointer, today, error, warn);
        }

        CheckNova2Options(c, warn);
    }

    /// <summary>A default tier or a system tool that no mapped model is offered with would never apply.</summary>
    private static void CheckNova2Options(CustomerConfig c, Warning warn)
    {
        var specs = c.Models.Mappings.Values.Select(m => ModelResolver.ResolveTarget(m, c.Customer.Region, out _)?.Spec)
            .OfType<ModelSpec>().Where(s => s.Kind == ModelKind.Chat).ToList();
        var tier = ServiceTierNames.Parse(c.Models.ServiceTier);
        if (tier is { } t && !specs.Any(s => s.Offers(t)))
        {
            warn("/models/service_tier", "service-tier", $"no mapped model is offered in the {c.Models.ServiceTier} tier, so every call is served at the standard one",
                $"map a model with it ({string.Join(", ", ModelCatalog.All.Where(s => s.Offers(t)).Select(s => s.Id))}) or remove it");
        }

        var us = c.Customer.Region.StartsWith("us-", StringComparison.Ordinal);
        foreach (var (on, tool, key) in new[] { (c.Models.BuiltInTools.WebGrounding, SystemTools.Grounding, "web_grounding"), (c.Models.BuiltInTools.CodeInterpreter, SystemTools.CodeInterpreter, "code_interpreter") })
        {
            if (on && (!specs.Any(s => s.Runs(tool)) || (tool == SystemTools.Grounding && !us)))
            {
                warn($"/models/built_in_tools/{key}", "built-in-tools", $"{key} is on, but no mapped model runs it from {c.Customer.Region}",
                    $"map {string.Join(" or ", ModelCatalog.All.Where(s => s.Runs(tool)).Select(s => s.Id))}{(tool == SystemTools.Grounding ? " in a US Region" : "")}, or switch it off");
            }
        }
    }

    /// <summary>How far ahead of a lifecycle date validation starts warning.</summary>
    public const int LifecycleNoticeDays = 90;

    /// <summary>Past its end of life a model is an error (Bedrock refuses it); a legacy model, or one whose legacy or
    /// end-of-life date is within <see cref="LifecycleNoticeDays"/>, is a warning naming the date. Null: nothing to say.</summary>
    public static (Severity Severity, string Code, string Message)? Lifecycle(ModelSpec spec, DateOnly today)
    {
        bool Near(DateOnly? date) => date is { } d && d.DayNumber - today.DayNumber <= LifecycleNoticeDays;
        var eol = spec.EndOfLife is { } e ? $"; its end of life is {e:yyyy-MM-dd}" : "";
        return spec.StatusOn(today) switch
        {
            ModelStatus.EndOfLife => (Severity.Error, "model-end-of-life", $"{spec.DisplayName} reached its end of life on {spec.EndOfLife:yyyy-MM-dd}"),
            _ when Near(spec.EndOfLife) => (Severity.Warning, "model-end-of-life", $"{spec.DisplayName} reaches its end of life on {spec.EndOfLife:yyyy-MM-dd}"),
            ModelStatus.Legacy => (Severity.Warning, "model-legacy", $"{spec.DisplayName} is a legacy model in Amazon Bedrock{eol}"),
            _ when Near(spec.LegacyOn) => (Severity.Warning, "model-legacy", $"{spec.DisplayName} becomes a legacy model on {spec.LegacyOn:yyyy-MM-dd}{eol}"),
            _ => null,
        };
    }

    private static void CheckLifecycle(ModelSpec spec, string pointer, DateOnly today, Report error, Warning warn)
    {
        if (Lifecycle(spec, today) is not var (severity, code, message))
        {
            return;
        }

        if (severity == Severity.Error)
        {
            error(pointer, code, message, "map the alias to a current model");
        }
        else
        {
            warn(pointer, code, message, "plan the move to a current model");
        }
    }

    private static void CheckPerformance(CustomerConfig c, Report error, Warning warn)
    {
        var throttling = c.Performance.ApiGateway.Throttling;
        if (c.HasServerless && throttling.BurstLimit < throttling.RateLimit)
        {
            error("/performance/api_gateway/throttling/burst_limit", "throttling",
                $"burst_limit {throttling.BurstLimit} is below rate_limit {throttling.RateLimit}: API Gateway could never reach the rate",
                $"set burst_limit to at least {Math.Ceiling(throttling.RateLimit)}");
        }

        var lambda = c.Performance.Lambda;
        if (c.HasServerless)
        {
            if (lambda.ReservedConcurrency == 0)
            {
                error("/performance/lambda/reserved_concurrency", "concurrency", "reserved_concurrency 0 stops the function: every request would be throttled",
                    "leave it out for the account's pool, or reserve at least 1");
            }

            if (lambda.ReservedConcurrency is { } reserved && lambda.ProvisionedConcurrency > reserved)
            {
                error("/performance/lambda/provisioned_concurrency", "concurrency",
                    $"provisioned_concurrency {lambda.ProvisionedConcurrency} exceeds reserved_concurrency {reserved}",
                    $"provision at most {reserved}, or reserve more");
            }

            if (!c.Deployment.Lambda.Streaming && lambda.Timeout > ApiGatewayBufferedTimeoutSeconds)
            {
                warn("/performance/lambda/timeout", "lambda-timeout",
                    $"timeout {lambda.Timeout}s: without streaming, API Gateway answers 504 after {ApiGatewayBufferedTimeoutSeconds}s while the function keeps running",
                    "turn on deployment.lambda.streaming (up to 15 minutes) or lower the timeout");
            }

            if (lambda.Timeout < 30)
            {
                warn("/performance/lambda/timeout", "lambda-timeout", $"timeout {lambda.Timeout}s is short for model calls, which can take minutes",
                    "allow at least 60 seconds");
            }

            if (c.Deployment.Lambda.Runtime == "dotnet10" && lambda.MemorySize < 512)
            {
                warn("/performance/lambda/memory_size", "lambda-memory", $"{lambda.MemorySize} MB is slow to start the JIT runtime",
                    "use 512 MB or more, or the provided.al2023 (Native AOT) runtime");
            }
        }

        var container = c.Performance.Container;
        if (c.HasContainer || c.HasEks)
        {
            if (container.MinCount > container.MaxCount)
            {
                error("/performance/container/min_count", "scaling", $"min_count {container.MinCount} exceeds max_count {container.MaxCount}");
            }

            if (c.HasContainer && FargateMemory(container.Cpu) is var (low, high, step) && (container.Memory < low || container.Memory > high || container.Memory % step != 0))
            {
                error("/performance/container/memory", "fargate-size",
                    $"Fargate does not run {container.Cpu} CPU units with {container.Memory} MiB",
                    $"with cpu {container.Cpu} use {low}-{high} MiB in steps of {step}");
            }

            if (c.Customer.Environment == "prod" && container.MinCount < 2)
            {
                warn("/performance/container/min_count", "scaling", "a prod service with one task stops during every deployment and task failure",
                    "run at least two");
            }
        }
    }

    /// <summary>Fargate's CPU/memory table (docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html).</summary>
    public static (int Low, int High, int Step) FargateMemory(int cpu) => cpu switch
    {
        256 => (512, 2048, 512),
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        _ => (32768, 122880, 8192),
    };

    private static void CheckMonitoring(CustomerConfig c, Report error)
    {
        if (c.Monitoring.Alerts.Enabled && !c.Monitoring.CustomMetrics.Enabled)
        {
            error("/monitoring/alerts", "alerts", "alerts watch the proxy's own metrics, which monitoring.custom_metrics.enabled: false turns off",
                "enable custom_metrics or disable alerts");
        }

        if (c.Monitoring.Cloudwatch.DashboardEnabled && !c.Monitoring.CustomMetrics.Enabled)
        {
            error("/monitoring/cloudwatch/dashboard_enabled", "alerts", "the dashboard shows the proxy's own metrics, which are turned off",
                "enable custom_metrics or disable the dashboard");
        }
    }

    /// <summary>How far ahead an expiring key is announced: time to hand its replacement (gitops keys rotate) to the apps.</summary>
    public const int KeyExpiryWarningDays = 14;

    private static void CheckKeyExpiry(CustomerConfig c, DateOnly today, Warning warn)
    {
        for (var i = 0; i < c.Auth.Keys.Count; i++)
        {
            if (c.Auth.Keys[i].Expires is not { } expires)
            {
                continue;
            }

            var name = c.Auth.Keys[i].Name;
            if (expires <= today)
            {
                warn($"/auth/keys/{i}/expires", "key-expired", $"key '{name}' expired on {expires:yyyy-MM-dd}: the proxy answers it 401 key_expired",
                    $"remove it: gitops keys revoke --customer <file> --name {name}");
            }
            else if (expires.DayNumber - today.DayNumber <= KeyExpiryWarningDays)
            {
                warn($"/auth/keys/{i}/expires", "key-expiry", $"key '{name}' expires on {expires:yyyy-MM-dd}, in {expires.DayNumber - today.DayNumber} day(s)",
                    "make sure its users have moved to its replacement (gitops keys rotate)");
            }
        }
    }

    private static void CheckAuth(CustomerConfig c, Report error)
    {
        var keys = c.Auth.Keys;
        if (keys.Count == 0)
        {
            error("/auth", "auth", "no API key: the proxy refuses to start without at least one",
                "run: gitops keys new --customer <file> --name <name>");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!names.Add(keys[i].Name))
            {
                error($"/auth/keys/{i}/name", "auth", $"two keys are named '{keys[i].Name}'", "give each key its own name");
            }

            if (!hashes.Add(keys[i].Sha256))
            {
                error($"/auth/keys/{i}/sha256", "auth", $"key '{keys[i].Name}' has the same hash as another key", "each key needs its own secret");
            }

            for (var m = 0; m < keys[i].Models.Count; m++)
            {
                var model = keys[i].Models[m];
                if (!c.Models.Mappings.ContainsKey(model) && ModelResolver.ResolveTarget(model, c.Customer.Region, out _) is null)
                {
                    error($"/auth/keys/{i}/models/{m}", "auth", $"key '{keys[i].Name}' allows '{model}', which is neither an alias here nor a Nova model",
                        $"use one of the aliases: {string.Join(", ", c.Models.Mappings.Keys)}");
                }
            }
        }
    }

    private static void CheckGate(CustomerConfig c, Report error)
    {
        var t = c.Gate.Thresholds;
        foreach (var (low, a, high, b) in new[] { ("p50_ms", t.P50Ms, "p95_ms", t.P95Ms), ("p95_ms", t.P95Ms, "p99_ms", t.P99Ms) })
        {
            if (a > b)
            {
                error($"/gate/thresholds/{low}", "gate", $"gate threshold {low} ({a}) is above {high} ({b}); a percentile cannot exceed a higher one");
            }
        }
    }
}
