using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock;

await using var app = BedrockEmulatorApp.Build(args);
await app.StartAsync();
var endpoints = app.Services.GetRequiredService<BedrockNovaProxy.Emulators.Bedrock.Transport.EmulatorEndpoints>();
Console.WriteLine($"Local Bedrock Runtime (region {app.Services.GetRequiredService<BedrockEmulatorOptions>().Region}) listening on:");
Console.WriteLine($"  {endpoints.Http1Url} (HTTP/1.1)");
if (endpoints.Http2Url is { } h2c)
{
    Console.WriteLine($"  {h2c} (HTTP/2, h2c with prior knowledge)");
}

if (endpoints.HttpsUrl is { } https)
{
    Console.WriteLine($"  {https} (HTTPS, ALPN h2 and http/1.1); its CA certificate: {endpoints.CaBundlePath}");
    Console.WriteLine($"  trust it with AWS_CA_BUNDLE={endpoints.CaBundlePath} (the proxy, AWS's SDKs) or NODE_EXTRA_CA_CERTS (Node).");
}

Console.WriteLine($"Sign with AWS_ACCESS_KEY_ID={LocalCredentials.AccessKeyId} AWS_SECRET_ACCESS_KEY={LocalCredentials.SecretAccessKey}.");
await app.WaitForShutdownAsync();
