using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Kubernetes;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>A template could not be rendered into a sound file: a template error (syntax, or an undefined variable,
/// member or function, at its file:line:column), or a self-check of the output that failed.</summary>
public sealed class RenderException(string message) : Exception(message);

/// <summary>One rendered file, relative to out/&lt;customer&gt;/&lt;environment&gt;/.</summary>
public sealed record RenderedFile(string Path, string Text);

/// <summary>Renders a validated customer configuration through the Scriban templates in templates/, then checks its
/// own output and refuses to return a broken stack. Deterministic: the same inputs give the same bytes.</summary>
public sealed class Renderer(string templatesRoot)
{
    private readonly Templates _templates = new(templatesRoot);

    public static Renderer ForRepository(string repositoryRoot) => new(Path.Combine(repositoryRoot, "templates"));

    /// <summary>Every file of one customer environment: stack.yaml, parameters.json, dashboard.json, k8s/manifests.yaml.</summary>
    public IReadOnlyList<RenderedFile> Render(CustomerConfig config, string sourceFile)
    {
        var stack = StackFacts.From(config, sourceFile);
        var model = new RenderModel(config, stack);
        var files = new List<RenderedFile>();

        if (config.Monitoring.Cloudwatch.DashboardEnabled)
        {
            var dashboard = JsonNode.Parse(RenderTemplate("dashboard.json.sbn-txt", model), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false })
                ?? throw new RenderException("dashboard.json.sbn-txt rendered nothing.");
            stack.DashboardBody = dashboard.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            files.Add(new("dashboard.json", dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n"));
        }

        var (template, parsed) = CloudFormation("stack.yaml.sbn-txt", "stack.yaml", model);
        files.Add(new("stack.yaml", template));
        files.Add(new("parameters.json", Parameters(parsed, stack)));
        files.Add(new("deploy.json", DeployFacts(config, stack)));
        if (config.HasEks)
        {
            var manifests = Tidy(RenderTemplate("kubernetes/manifests.yaml.sbn-txt", model));
            KubernetesChecks.Check(manifests);
            files.Add(new("k8s/manifests.yaml", manifests));
        }

        if (config.Security.CrossAccount.Enabled)
        {
            files.Add(new("cross-account-role.yaml", CloudFormation("cross-account-role.yaml.sbn-txt", "cross-account-role.yaml", model).Text));
        }

        var secrets = files.SelectMany(f => SecretScan.Find(f.Path, f.Text)).ToList();
        if (secrets.Count > 0)
        {
            throw new RenderException($"the render of {stack.Name} would publish secrets:\n  " + string.Join("\n  ", secrets));
        }

        return files;
    }

    /// <summary>A CloudFormation template rendered, tidied, content-hashed and proven by the self-checks.</summary>
    private (string Text, CfnTemplate Parsed) CloudFormation(string template, string file, RenderModel model)
    {
        var text = ContentHashes(Tidy(RenderTemplate(template, model)));
        var parsed = CfnTemplate.Parse(text, file);
        var problems = StackChecks.Check(parsed);
        if (problems.Count > 0)
        {
            throw new RenderException($"{file} for {model.Stack.Name} fails its self-checks:\n  " + string.Join("\n  ", problems));
        }

        return (text, parsed);
    }

    /// <summary>Renders one template (path relative to templates/); anything the model or the functions lack is an error.</summary>
    public string RenderTemplate(string path, RenderModel model) => _templates.Render(path, model);

    /// <summary>Drops the blank lines template statements leave, and trailing spaces; ends with one newline.</summary>
    internal static string Tidy(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)) + "\n";

    /// <summary>Logical ids that must change with their content (so CloudFormation publishes a new Lambda version or
    /// API deployment) carry a marker, __HASH_FUNCTION__ or __HASH_API__, replaced by a digest of what they depend on:
    /// the Function resource, or every API Gateway resource and method.</summary>
    internal static string ContentHashes(string template)
    {
        if (!template.Contains("__HASH_", StringComparison.Ordinal))
        {
            return template;
        }

        var parsed = CfnTemplate.Parse(template, "stack.yaml");
        string Digest(Func<CfnResource, bool> which)
        {
            var text = new StringBuilder();
            foreach (var resource in parsed.Resources.Where(which).OrderBy(r => r.LogicalId, StringComparer.Ordinal))
            {
                text.Append(resource.LogicalId).Append('\n').Append(resource.Source).Append('\n');
            }

            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..10];
        }

        return template
            .Replace("__HASH_FUNCTION__", Digest(r => r.Type == "AWS::Lambda::Function"), StringComparison.Ordinal)
            .Replace("__HASH_API__", Digest(r => r.Type is "AWS::ApiGateway::Method" or "AWS::ApiGateway::Resource" or "AWS::ApiGateway::RestApi"), StringComparison.Ordinal);
    }

    /// <summary>deploy.json: what scripts/deploy.sh needs to deploy and promote this environment (the stack, where,
    /// and for each kind of deployment its artifact and names), so the scripts never parse the customer file.</summary>
    private static string DeployFacts(CustomerConfig config, StackFacts stack)
    {
        var tags = new JsonObject { ["customer"] = config.Customer.Name, ["environment"] = config.Customer.Environment, ["managed-by"] = "bedrock-nova-proxy-gitops" };
        foreach (var tag in stack.Tags)
        {
            tags[tag.Name] = tag.Value;
        }

        var facts = new JsonObject
        {
            ["customer"] = config.Customer.Name,
            ["environment"] = config.Customer.Environment,
            ["type"] = stack.Type,
            ["stack"] = stack.StackName,
            ["region"] = config.Customer.Region,
            ["account"] = config.Customer.AccountId,
            ["tags"] = tags,
        };
        if (stack.Serverless)
        {
            facts["lambda"] = new JsonObject
            {
                ["bucket"] = stack.ArtifactBucket,
                ["package"] = stack.Handler == "bootstrap" ? "bootstrap.zip" : "dotnet10.zip",
                ["architecture"] = config.Deployment.Lambda.Architecture == "arm64" ? "arm64" : "x64",
                ["function"] = stack.FunctionName,
            };
        }

        if (stack.Container)
        {
            facts["container"] = new JsonObject { ["repository"] = config.Deployment.Container!.ImageRepository, ["cluster"] = stack.ClusterName };
        }

        if (stack.Eks)
        {
            var eks = config.Deployment.Eks!;
            facts["eks"] = new JsonObject { ["repository"] = eks.ImageRepository, ["cluster"] = eks.ClusterName, ["namespace"] = eks.Namespace };
        }

        return facts.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>parameters.json in CloudFormation's own format (create-stack --parameters file://, and the deploy
    /// action's parameter-overrides): the stack's parameters whose value the configuration decides. The others belong
    /// to the deploy (the artifact: ArtifactKey, ArtifactSha256, ImageTag) and the promotion (ProdVersion,
    /// ProdImageTag); scripts/deploy.sh passes those.</summary>
    private static string Parameters(CfnTemplate template, StackFacts stack)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal) { ["ArtifactBucket"] = stack.ArtifactBucket };
        var list = new JsonArray();
        foreach (var parameter in template.Parameters)
        {
            if (known.GetValueOrDefault(parameter.Name) is { } value)
            {
                list.Add(new JsonObject { ["ParameterKey"] = parameter.Name, ["ParameterValue"] = value });
            }
        }

        return list.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
