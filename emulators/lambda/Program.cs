using BedrockNovaProxy.Emulators.Lambda;

// Standalone: dotnet run --project emulators/lambda -- --Emulator:ApiPort=5010 --Emulator:RuntimePort=5011 --Emulator:Streaming=true
await using var host = LambdaEmulatorApp.Build(args);
await host.StartAsync();
Console.WriteLine($"Lambda Runtime API on {host.RuntimeApi} (AWS_LAMBDA_RUNTIME_API), API Gateway front on {host.ApiGatewayUrl} " +
    $"({host.Options.EventFormat}, {(host.Options.Streaming ? "streaming" : "buffered")}).");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
