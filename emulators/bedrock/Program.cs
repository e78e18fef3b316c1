using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Bedrock;

var app = BedrockEmulatorApp.Build(args);
await app.StartAsync();
Console.WriteLine($"Local Bedrock Runtime listening on {string.Join(", ", app.Urls)} (region {app.Services.GetRequiredService<BedrockEmulatorOptions>().Region}).");
Console.WriteLine($"Sign with AWS_ACCESS_KEY_ID={LocalCredentials.AccessKeyId} AWS_SECRET_ACCESS_KEY={LocalCredentials.SecretAccessKey}.");
await app.WaitForShutdownAsync();
