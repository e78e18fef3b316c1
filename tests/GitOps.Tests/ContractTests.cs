using System.Text.Json;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Rendering;
using BedrockNovaProxy.Telemetry;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>What the renders promise the running proxy, checked against the proxy's own code: the metrics the
/// dashboards and alarms read are the ones it writes; the settings it is given are the ones it binds; the IAM it gets
/// is exactly its models; no secret is rendered.</summary>
public partial class ContractTests
{
    public static TheoryData<string> Examples => RenderTests.Examples;

    /// <summary>(metric, dimension names) pairs the proxy writes, read off a real EMF line.</summary>
    private static readonly HashSet<string> Emitted = EmittedPairs();

    private static HashSet<string> EmittedPairs()
    {
        var line = Emf.Line("Ns", new MetricsRecord("acme", "prod", "prod", "chat.completions.stream", "gpt-4o", 500, 10, 5, 1, 2, 0.01m, "r", DateTimeOffset.UnixEpoch));
        using var json = JsonDocument.Parse(line);
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directive in json.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
                {
                    pairs.Add(Pair(metric.GetProperty("Name").GetString()!, set.EnumerateArray().Select(d => d.GetString()!)));
                }
            }
        }

        return pairs;
    }

    private static string Pair(string metric, IEnumerable<string> dimensions) => $"{metric} by [{string.Join(",", dimensions.Order(StringComparer.Ordinal))}]";

    [Theory]
    [MemberData(nameof(Examples))]
    public void Dashboards_and_alarms_read_exactly_the_metrics_and_dimensions_the_proxy_emits(string file)
    {
        var config = RenderTests.Validated.Single(v => v.Path == file).Config!;
        var ns = config.Monitoring.CustomMetrics.Namespace;
        var rendered = RenderTests.RenderExample(file);
        var used = new List<string>();

        if (rendered.SingleOrDefault(r => r.Path == "dashboard.json") is { } dashboard)
        {
            using var json = JsonDocument.Parse(dashboard.Text);
            foreach (var widget in json.RootElement.GetProperty("widgets").EnumerateArray())
            {
                foreach (var row in widget.GetProperty("properties").GetProperty("metrics").EnumerateArray())
                {
                    var items = row.EnumerateArray().ToList();
                    if (items[0].ValueKind == JsonValueKind.Object)
                    {
                        // SEARCH('{Namespace,Dim1,Dim2} MetricName="X" ...'): one exact dimension set.
                        var search = Search().Match(items[0].GetProperty("expression").GetString()!);
                        Assert.True(search.Success, items[0].ToString());
                        var schema = search.Groups[1].Value.Split(',');
                        Assert.Equal(ns, schema[0]);
                        used.Add(Pair(search.Groups[2].Value, schema.Skip(1)));
                    }
                    else if (items[0].GetString() == ns)
                    {
                        var strings = items.Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList();
                        used.Add(Pair(strings[1], strings.Skip(2).Where((_, i) => i % 2 == 0)));
                    }
                }
            }
        }

        var stack = CfnTemplate.Parse(rendered.Single(r => r.Path == "stack.yaml").Text, "stack.yaml");
        foreach (var alarm in stack.Resources.Where(r => r.Type == "AWS::CloudWatch::Alarm"))
        {
            var properties = CfnTemplate.Child(alarm.Node, "Properties")!;
            var metrics = CfnTemplate.Child(properties, "Metrics") is YamlSequenceNode list
                ? list.Select(m => CfnTemplate.Child(m, "MetricStat") is { } stat ? CfnTemplate.Child(stat, "Metric") : null).OfType<YamlNode>()
                : [properties];
            foreach (var metric in metrics.Where(m => CfnTemplate.Scalar(m, "Namespace") == ns))
            {
                var dimensions = ((YamlSequenceNode)CfnTemplate.Child(metric, "Dimensions")!).Select(d => CfnTemplate.Scalar(d, "Name")!);
                used.Add(Pair(CfnTemplate.Scalar(metric, "MetricName")!, dimensions));
            }
        }

        if (config.Monitoring.Alerts.Enabled || config.Monitoring.Cloudwatch.DashboardEnabled)
        {
            Assert.NotEmpty(used);
        }

        Assert.All(used, pair => Assert.True(Emitted.Contains(pair), $"{pair} is read by the stack but the proxy never writes it; it writes:\n  {string.Join("\n  ", Emitted.Order())}"));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_Bedrock_permission_names_a_mapped_model_and_every_mapped_model_is_permitted(string file)
    {
        var config = RenderTests.Validated.Single(v => v.Path == file).Config!;
        var rendered = RenderTests.RenderExample(file);
        var mapped = config.Models.Mappings.Values.Select(m => ModelResolver.ResolveTarget(m, config.Customer.Region, out _)!.Spec.Id).ToHashSet();
        var granted = new HashSet<string>();
        foreach (var template in rendered.Where(r => r.Path.EndsWith(".yaml", StringComparison.Ordinal) && r.Path != "k8s/manifests.yaml"))
        {
            foreach (var statement in CfnTemplate.Parse(template.Text, template.Path).Root.AllNodes.OfType<YamlMappingNode>()
                         .Where(n => CfnTemplate.Scalar(n, "Effect") == "Allow" && n.AllNodes.OfType<YamlScalarNode>().Any(s => s.Value?.StartsWith("bedrock:Invoke", StringComparison.Ordinal) == true)))
            {
                foreach (var resource in CfnTemplate.Child(statement, "Resource")!.AllNodes.OfType<YamlScalarNode>().Select(s => s.Value!))
                {
                    var model = resource[(resource.LastIndexOf('/') + 1)..];
                    var id = ModelCatalog.Find(model)?.Id ?? ModelResolver.Parse(model).Spec?.Id;
                    Assert.True(id is not null && mapped.Contains(id), $"{template.Path}: {resource} is not a mapped model");
                    granted.Add(id!);
                }
            }
        }

        // With a cross-account role, the customer's stacks grant no Bedrock at all: the role in the other account does.
        Assert.Equal(mapped.Order(), granted.Order());
        if (config.Security.CrossAccount.Enabled)
        {
            Assert.DoesNotContain("bedrock:Invoke", rendered.Single(r => r.Path == "stack.yaml").Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void No_rendered_file_holds_a_secret_and_keys_appear_only_as_hashes(string file)
    {
        var config = RenderTests.Validated.Single(v => v.Path == file).Config!;
        foreach (var rendered in RenderTests.RenderExample(file))
        {
            Assert.Empty(SecretScan.Find(rendered.Path, rendered.Text));
        }

        var text = string.Concat(RenderTests.RenderExample(file).Select(r => r.Text));
        Assert.All(config.Auth.Keys, k => Assert.Contains(k.Sha256, text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sk-bnp-0123456789abcdefghijKLMNOP", "api_key")]
    [InlineData("key: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "api_key")]
    [InlineData("AKIA" + "IOSFODNN7EXAMPLE", "aws_access_key_id")] // in two parts, so scanners skip this file
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", "private_key")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt")]
    [InlineData("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "api_key")]
    [InlineData("Authorization: Bearer abc123def456ghi789", "bearer_token")]
    [InlineData("password: hunter2", "password")]
    public void The_secret_scan_finds_secrets(string line, string kind) =>
        Assert.Contains($"({kind})", Assert.Single(SecretScan.Find("f", line)), StringComparison.Ordinal);

    [Theory]
    [InlineData("sha256: \"c4555a2cbf22a713903424961dfdcc0fd766dc9d5fe6ff786743052ca612525d\"")]
    [InlineData("Proxy__Auth__Keys__0__Name: \"sk-team\"")]
    [InlineData("arn:aws:iam::123456789012:role/AKIAROLE")]
    [InlineData("task-definition: bedrock-nova-proxy-skeleton")]
    [InlineData("owner: \"platform@globex.example\"")]
    public void The_secret_scan_passes_hashes_and_lookalikes(string line) => Assert.Empty(SecretScan.Find("f", line));

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_proxy_binds_every_setting_the_render_gives_it(string file)
    {
        var config = RenderTests.Validated.Single(v => v.Path == file).Config!;
        var settings = ProxySettings.For(config, lambda: config.HasServerless);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Proxy:Bedrock:Endpoint"] = "http://127.0.0.1:1" })
            .Build();
        var proxy = ProxyConfiguration.Load(configuration);
        var options = proxy.Options;

        Assert.Equal((config.Customer.Name, config.Customer.Environment, config.Customer.Region), (options.Customer, options.Environment, proxy.Region));
        Assert.Equal(config.Models.Mappings.Select(m => (m.Key, m.Value)), options.ModelAliases.Select(a => (a.Alias, a.Model)));
        Assert.Equal(config.Auth.Keys.Select(k => (k.Name, k.Sha256, string.Join(",", k.Models), k.RequestsPerMinute, k.TokensPerMinute)),
            options.Auth.Keys.Select(k => (k.Name, k.Sha256, string.Join(",", k.Models), k.RequestsPerMinute, k.TokensPerMinute)));
        Assert.Equal(config.Auth.Keys.Select(k => (k.TokensPerDay, k.TokensPerMonth, k.UsdPerDay, k.UsdPerMonth, k.Expires?.ToDateTime(TimeOnly.MinValue))),
            options.Auth.Keys.Select(k => (k.TokensPerDay, k.TokensPerMonth, k.UsdPerDay, k.UsdPerMonth, k.ExpiresAt?.UtcDateTime)));
        Assert.Equal(($"bnp-{config.Customer.Name}-{config.Customer.Environment}-limits", config.Limits.OnStoreFailure),
            (options.SharedLimits.Table, options.SharedLimits.OnFailure.ToString().ToLowerInvariant()));
        var environment = config.Limits.Environment;
        Assert.Equal((environment.RequestsPerMinute, environment.TokensPerDay, environment.UsdPerMonth),
            (options.SharedLimits.Environment.RequestsPerMinute, options.SharedLimits.Environment.TokensPerDay, options.SharedLimits.Environment.UsdPerMonth));
        Assert.Equal(config.Monitoring.CustomMetrics.Namespace, options.Telemetry.MetricsNamespace);
        Assert.Equal(config.Monitoring.LogPrompts, options.Telemetry.LogPrompts);
        Assert.Equal(config.Security.Guardrail.Enabled ? config.Security.Guardrail.Id : null, options.Bedrock.Guardrail.Identifier);
        Assert.Equal((config.Models.PromptCaching.System, config.Models.PromptCaching.Tools), (options.PromptCaching.System, options.PromptCaching.Tools));
        Assert.Equal(config.Security.ImageUrls.AllowedHosts, options.ImageFetch.AllowedHosts);
        Assert.Equal(config.Security.CrossAccount.Enabled ? config.Security.CrossAccount.RoleArn : null, options.Bedrock.AssumeRoleArn);
        Assert.All(config.Models.Mappings.Keys, alias => Assert.NotNull(proxy.Models.Resolve(alias)));
        // The proxy ignores keys it does not know; every one rendered must be one it reads.
        Assert.All(settings, kv => Assert.Matches(KnownKey(), kv.Key));
    }

    // The Proxy__ keys service/Configuration/ProxyOptions.cs binds, as the renders use them.
    [GeneratedRegex(@"^Proxy__(Customer|Environment|Stage|Bedrock__(Region|AssumeRoleArn|Guardrail__(Identifier|Version|Trace))|ModelAliases__\d+__(Alias|Model)|Auth__Keys__\d+__(Name|Sha256|Models__\d+|RequestsPerMinute|TokensPerMinute|TokensPerDay|TokensPerMonth|UsdPerDay|UsdPerMonth|ExpiresAt)|SharedLimits__(Table|OnFailure|Environment__(RequestsPerMinute|TokensPerMinute|TokensPerDay|TokensPerMonth|UsdPerDay|UsdPerMonth))|Telemetry__(Emf|MetricsNamespace|LogPrompts)|PromptCaching__(System|Tools)|ImageFetch__(AllowedHosts__\d+|MaxBytes)|Lambda__Streaming)$")]
    private static partial Regex KnownKey();

    [GeneratedRegex("""^SEARCH\('\{([^}]+)\} MetricName="([^"]+)"[^']*', '(Sum|Average|Maximum)', \d+\)$""")]
    private static partial Regex Search();
}
