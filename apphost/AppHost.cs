using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Validation;

// The whole system on a laptop: the local Bedrock, the local Lambda + API Gateway with the proxy as its streaming
// worker, and a second proxy under Kestrel (container mode), configured from a customer file.
//   dotnet run --project apphost [-- --customer customers/<name>/<env>.yaml]
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, AllowUnsecuredTransport = true });
var root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
var customerPath = Path.GetFullPath(builder.Configuration["customer"] ?? Path.Combine(root, "customers", "acme", "staging.yaml"));
// The same validation as `gitops validate`: a file that would not deploy does not run locally either.
var validated = Validator.ForRepository(root, DateOnly.FromDateTime(DateTime.UtcNow)).ValidateAll([customerPath]).Single();
foreach (var finding in validated.Diagnostics)
{
    Console.Error.WriteLine(finding);
}

var config = validated.Config ?? throw new InvalidOperationException($"{customerPath} is not valid (see above); run: dotnet run --project gitops -- validate {customerPath}");
var customer = (config.Customer.Name, config.Customer.Environment, config.Customer.Region, FirstAlias: config.Models.Mappings.Keys.First());
// Every setting the file gives the proxy, as a deployment sets them, plus a development key after the file's own.
const string devKey = "sk-local-dev";
var proxyEnvironment = ProxySettings.For(config, lambda: false)
    .Append(KeyValuePair.Create($"Proxy__Auth__Keys__{config.Auth.Keys.Count}__Name", "local-dev"))
    .Append(KeyValuePair.Create($"Proxy__Auth__Keys__{config.Auth.Keys.Count}__Sha256", ApiKeyHash.Of(devKey)))
    .ToList();

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
    .WithEnvironment("Emulator__Region", customer.Region)
    .WithEnvironment("Emulator__Latency__TimeToFirstToken", "00:00:00.200")
    .WithEnvironment("Emulator__Latency__TokensPerSecond", "80")
    .WithHttpHealthCheck("/_emulator/health");
var bedrockUrl = bedrock.GetEndpoint("http");

var lambda = builder.AddProject<Projects.LambdaEmulator>("lambda")
    .WithHttpEndpoint(name: "api", env: "Emulator__ApiPort")
    .WithHttpEndpoint(name: "runtime", env: "Emulator__RuntimePort", isProxied: false)
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

IResourceBuilder<ProjectResource> Proxy(string name)
{
    var proxy = NewProxy(name);
    return dynamo is null ? proxy : proxy.WithEnvironment("Proxy__SharedLimits__ServiceUrl", dynamo.GetEndpoint("http")).WaitFor(dynamo);
}

Proxy("proxy-lambda")
    .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{runtimeApi.Property(EndpointProperty.HostAndPort)}"))
    .WithEnvironment("Proxy__Lambda__Streaming", "true")
    .WaitFor(lambda);
var container = Proxy("proxy-container").WithHttpEndpoint().WithHttpHealthCheck("/ready");

builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
{
    var lambdaUrl = $"{lambda.GetEndpoint("api").Url}/{customer.Environment}";
    var containerUrl = container.GetEndpoint("http").Url;
    Console.WriteLine($$"""

        BedrockNovaProxy for {{customer.Name}}/{{customer.Environment}} ({{customerPath}})
          Lambda path (API Gateway, streaming): {{lambdaUrl}}/v1
          Container path (Kestrel):             {{containerUrl}}/v1
          Development API key:                  {{devKey}}
          curl -s {{lambdaUrl}}/v1/chat/completions -H 'Authorization: Bearer {{devKey}}' -H 'content-type: application/json' \
            -d '{"model":"{{customer.FirstAlias}}","messages":[{"role":"user","content":"Hello"}]}'

        """);
    return Task.CompletedTask;
});

builder.Build().Run();

static bool OnPath(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
    .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
