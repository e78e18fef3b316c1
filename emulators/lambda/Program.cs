using BedrockNovaProxy.Emulators.Lambda;

// Standalone: dotnet run --project emulators/lambda -- --Emulator:ApiPort=5010 --Emulator:RuntimePort=5011 --Emulator:Streaming=true
await using var host = LambdaEmulatorApp.Build(args);
await host.StartAsync();
Console.WriteLine($"Lambda Runtime API on {host.RuntimeApi} (AWS_LAMBDA_RUNTIME_API), API Gateway front on {host.ApiGatewayUrl} " +
    $"({host.Options.EventFormat}, {(host.Options.Streaming ? "streaming" : "buffered")}).");
// Each listener's host handles SIGTERM and Ctrl+C; the first to be told to stop ends both, and the worker it started.
await host.WaitForShutdownAsync();
