using System.Globalization;
using BedrockNovaProxy.Limits;

namespace BedrockNovaProxy.Customers;

/// <summary>The proxy's configuration for one customer environment, as the environment variables (Proxy__...) that
/// every host sets: the Lambda function, the ECS task, the Kubernetes ConfigMap and the local AppHost. One mapping for
/// all of them, so a key the YAML holds reaches every kind of deployment the same way. README lists the keys.</summary>
public static class ProxySettings
{
    /// <summary>Lambda's limit on the total size of a function's environment variables (keys and values).</summary>
    public const int LambdaEnvironmentLimitBytes = 4096;

    public static IReadOnlyList<KeyValuePair<string, string>> For(CustomerConfig config, bool lambda)
    {
        var env = new List<KeyValuePair<string, string>>();
        void Set(string key, string value) => env.Add(KeyValuePair.Create("Proxy__" + key, value));

        Set("Customer", config.Customer.Name);
        Set("Environment", config.Customer.Environment);
        Set("Bedrock__Region", config.Customer.Region);
        var i = 0;
        foreach (var (alias, model) in config.Models.Mappings)
        {
            Set($"ModelAliases__{i}__Alias", alias);
            Set($"ModelAliases__{i++}__Model", model);
        }

        for (var k = 0; k < config.Auth.Keys.Count; k++)
        {
            var key = config.Auth.Keys[k];
            Set($"Auth__Keys__{k}__Name", key.Name);
            Set($"Auth__Keys__{k}__Sha256", key.Sha256);
            for (var m = 0; m < key.Models.Count; m++)
            {
                Set($"Auth__Keys__{k}__Models__{m}", key.Models[m]);
            }

            Allowances($"Auth__Keys__{k}__", key);
            for (var t = 0; t < key.ServiceTiers.Count; t++)
            {
                Set($"Auth__Keys__{k}__ServiceTiers__{t}", key.ServiceTiers[t]);
            }

            if (key.Expires is { } expires)
            {
                Set($"Auth__Keys__{k}__ExpiresAt", expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z");
            }
        }

        // Every stack renders the environment's table; the proxy shares its limits, budgets and usage through it.
        Set("SharedLimits__Table", LimitsSection.TableName(config));
        Set("SharedLimits__OnFailure", config.Limits.OnStoreFailure == "refuse" ? "Refuse" : "Serve");
        Allowances("SharedLimits__Environment__", config.Limits.Environment);

        void Allowances(string prefix, AllowanceOptions entry)
        {
            foreach (var (name, value) in new (string, decimal?)[]
            {
                ("RequestsPerMinute", entry.RequestsPerMinute), ("TokensPerMinute", entry.TokensPerMinute), ("TokensPerDay", entry.TokensPerDay),
                ("TokensPerMonth", entry.TokensPerMonth), ("UsdPerDay", entry.UsdPerDay), ("UsdPerMonth", entry.UsdPerMonth),
            })
            {
                if (value is { } v)
                {
                    Set(prefix + name, v.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        var metrics = config.Monitoring.CustomMetrics;
        Set("Telemetry__Emf", metrics.Enabled ? "true" : "false");
        if (metrics.Enabled)
        {
            Set("Telemetry__MetricsNamespace", metrics.Namespace);
        }

        if (config.Monitoring.LogPrompts)
        {
            Set("Telemetry__LogPrompts", "true");
        }

        if (config.Security.Guardrail is { Enabled: true, Id: { } guardrail } g)
        {
            Set("Bedrock__Guardrail__Identifier", guardrail);
            Set("Bedrock__Guardrail__Version", g.Version);
            Set("Bedrock__Guardrail__Trace", g.Trace);
        }

        if (config.Security.CrossAccount is { Enabled: true, RoleArn: { } role })
        {
            Set("Bedrock__AssumeRoleArn", role);
        }

        if (config.Models.PromptCaching.System)
        {
            Set("PromptCaching__System", "true");
        }

        if (config.Models.PromptCaching.Tools)
        {
            Set("PromptCaching__Tools", "true");
        }

        if (config.Models.ServiceTier != "auto")
        {
            Set("ServiceTier", config.Models.ServiceTier);
        }

        if (config.Models.BuiltInTools.WebGrounding)
        {
            Set("BuiltInTools__WebGrounding", "true");
        }

        if (config.Models.BuiltInTools.CodeInterpreter)
        {
            Set("BuiltInTools__CodeInterpreter", "true");
        }

        var images = config.Security.ImageUrls;
        for (var h = 0; h < images.AllowedHosts.Count; h++)
        {
            Set($"ImageFetch__AllowedHosts__{h}", images.AllowedHosts[h]);
        }

        if (images.AllowedHosts.Count > 0)
        {
            Set("ImageFetch__MaxBytes", Number(images.MaxBytes));
        }

        if (lambda)
        {
            Set("Lambda__Streaming", config.Deployment.Lambda.Streaming ? "true" : "false");
        }

        return env;
    }

    /// <summary>Bytes Lambda counts for an environment: every key and value.</summary>
    public static int Size(IEnumerable<KeyValuePair<string, string>> env) =>
        env.Sum(kv => System.Text.Encoding.UTF8.GetByteCount(kv.Key) + System.Text.Encoding.UTF8.GetByteCount(kv.Value));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
