using BedrockNovaProxy.AppHost.Dashboard;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Validation;

// The whole system on a laptop: the local Bedrock, the local Lambda + API Gateway with the proxy as its streaming
// worker, and a second proxy under Kestrel (container mode), configured from a customer file.
//   dotnet run --project apphost [-- --customer customers/<name>/<env>.yaml]
// Every endpoint here is plain HTTP on loopback, the dashboard's included (http://localhost:15000): nothing needs
// the ASP.NET development certificate, so Aspire is told not to look for it, and a fresh machine shows no "no trusted
// development certificate" error that is no problem. Where HTTPS matters (the proxy calling Bedrock over TLS and
// HTTP/2, in local/ and the end-to-end tests), the local Bedrock makes a certificate authority for the session
// (emulators/bedrock/Transport/LocalCertificateAuthority.cs) that only the proxy trusts: no machine store is touched.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    Args = args,
    AllowUnsecuredTransport = true,
    TrustDeveloperCertificate = false,
    DeveloperCertificateDefaultHttpsTerminationEnabled = false,
});
var root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
var customerPath = Path.GetFullPath(builder.Configuration["customer"] ?? Path.Combine(root, "customers", "acme", "staging.yaml"));
// The same validation as `gitops validate`: a file that would not deploy does not run locally either.
var validated = Validator.ForRepository(root, DateOnly.FromDateTime(DateTime.UtcNow)).ValidateAll([customerPath]).Single();
foreach (var finding in validated.Diagnostics)
{
    Console.Error.WriteLine(finding);
}

var config = validated.Config ?? throw new InvalidOperationException($"{customerPath} is not valid (see above); run: dotnet run --project gitops -- validate {customerPath}");
// The first alias of a chat model: the curl below and the load gate call it.
var chatAlias = config.Models.Mappings.FirstOrDefault(m => !m.Value.Contains("embed", StringComparison.Ordinal)).Key ?? config.Models.Mappings.Keys.First();
var customer = (config.Customer.Name, config.Customer.Environment, config.Customer.Region, FirstAlias: chatAlias);
// Every setting the file gives the proxy, as a deployment sets them, plus a development key after the file's own.
const string DevKey = "sk-local-dev";
var proxyEnvironment = ProxySettings.For(config, lambda: false)
    .Append(KeyValuePair.Create($"Proxy__Auth__Keys__{config.Auth.Keys.Count}__Name", "local-dev"))
    .Append(KeyValuePair.Create($"Proxy__Auth__Keys__{config.Auth.Keys.Count}__Sha256", ApiKeyHash.Of(DevKey)))
    .ToList();

builder.AddCustomer(root, customerPath, config);
// Shared limits, budgets and usage on a local DynamoDB (dynalite, `npm ci --prefix emulators/dynamodb`) that both proxies
// use, so one key's limit holds across them as across a deployment's instances. Without node or dynalite: per process.
var dynamoFolder = Path.Combine(root, "emulators", "dynamodb");
var table = LimitsSection.TableName(config);
var sharedLimits = File.Exists(Path.Combine(dynamoFolder, "node_modules", "dynalite", "index.js")) && OnPath("node");
Console.WriteLine(sharedLimits
    ? $"Limits: shared by both proxies through the local DynamoDB (dynalite, table {table})."
    : $"Limits: PER PROCESS (each proxy counts alone): node or dynalite is missing; for shared limits run: npm ci --prefix {dynamoFolder}");
if (!sharedLimits)
{
    proxyEnvironment.RemoveAll(kv => kv.Key.StartsWith("Proxy__SharedLimits__", StringComparison.Ordinal));
}

var dynamo = sharedLimits
    ? builder.AddExecutable("dynamodb", "node", dynamoFolder, "server.js").WithHttpEndpoint(env: "PORT", isProxied: false).WithEnvironment("TABLE", table)
    : null;

var bedrock = builder.AddProject<Projects.BedrockEmulator>("bedrock")
    .WithHttpEndpoint()
    .WithUrlForEndpoint("http", u => u.DisplayText = "Bedrock Runtime")
    .WithEnvironment("Emulator__Region", customer.Region)
    .WithEnvironment("Emulator__Latency__TimeToFirstToken", "00:00:00.200")
    .WithEnvironment("Emulator__Latency__TokensPerSecond", "80")
    .WithHttpHealthCheck("/_emulator/health")
    .WithFaultCommands();
var bedrockUrl = bedrock.GetEndpoint("http");

var lambda = builder.AddProject<Projects.LambdaEmulator>("lambda")
    .WithHttpEndpoint(name: "api", env: "Emulator__ApiPort")
    .WithHttpEndpoint(name: "runtime", env: "Emulator__RuntimePort", isProxied: false)
    .WithUrlForEndpoint("api", u => u.DisplayText = "API Gateway (REST, streaming)")
    .WithUrlForEndpoint("runtime", u => u.DisplayText = "Runtime API")
    .WithEnvironment("Emulator__Streaming", "true")
    .WithEnvironment("Emulator__Region", customer.Region)
    .WithHttpHealthCheck("/_emulator/health", endpointName: "api");
var runtimeApi = lambda.GetEndpoint("runtime");

IResourceBuilder<ProjectResource> NewProxy(string name) => builder.AddProject<Projects.BedrockNovaProxy>(name)
    .WithEnvironment(env =>
    {
        foreach (var (key, value) in proxyEnvironment)
        {
            env.EnvironmentVariables[key] = value;
        }
    })
    .WithEnvironment("AWS_REGION", customer.Region)
    // The local Bedrock's fixed, public test credentials (common/Aws/LocalCredentials.cs): they grant nothing anywhere else.
    .WithEnvironment("AWS_ACCESS_KEY_ID", LocalCredentials.AccessKeyId)
    .WithEnvironment("AWS_SECRET_ACCESS_KEY", LocalCredentials.SecretAccessKey)
    .WithEnvironment("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrockUrl)
    .WaitFor(bedrock);

// The Lambda worker runs under the local Lambda, as on AWS: the dashboard shows it there.
var reports = Path.Combine(root, "loadtests", "reports");
IResourceBuilder<ProjectResource> Proxy(string name)
{
    var proxy = NewProxy(name);
    return dynamo is null ? proxy : proxy.WithEnvironment("Proxy__SharedLimits__ServiceUrl", dynamo.GetEndpoint("http")).WaitFor(dynamo);
}

Proxy("proxy-lambda")
    .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{runtimeApi.Property(EndpointProperty.HostAndPort)}"))
    .WithEnvironment("Proxy__Lambda__Streaming", "true")
    .WithParentRelationship(lambda)
    .WaitFor(lambda);
lambda.WithGateCommand("Lambda", () => new Uri($"{lambda.GetEndpoint("api").Url}/{customer.Environment}"), customerPath, customer.FirstAlias, DevKey, Path.Combine(reports, "apphost-lambda"));
var container = Proxy("proxy-container").WithHttpEndpoint()
    .WithUrlForEndpoint("http", u => u.DisplayText = "Container proxy")
    .WithHttpHealthCheck("/ready");
container.WithGateCommand("container", () => new Uri(container.GetEndpoint("http").Url), customerPath, customer.FirstAlias, DevKey, Path.Combine(reports, "apphost-container"));

builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
{
    var lambdaUrl = $"{lambda.GetEndpoint("api").Url}/{customer.Environment}";
    var containerUrl = container.GetEndpoint("http").Url;
    Console.WriteLine($$"""

        BedrockNovaProxy for {{customer.Name}}/{{customer.Environment}} ({{customerPath}})
          Lambda path (API Gateway, streaming): {{lambdaUrl}}/v1
          Container path (Kestrel):             {{containerUrl}}/v1
          Development API key:                  {{DevKey}}
          curl -s {{lambdaUrl}}/v1/chat/completions -H 'Authorization: Bearer {{DevKey}}' -H 'content-type: application/json' \
            -d '{"model":"{{customer.FirstAlias}}","messages":[{"role":"user","content":"Hello"}]}'

        """);
    return Task.CompletedTask;
});

builder.Build().Run();

static bool OnPath(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
    .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
