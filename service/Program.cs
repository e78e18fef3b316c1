using BedrockNovaProxy;
using BedrockNovaProxy.Lambda;

WebApplication app;
try
{
    app = ProxyApp.Build(args);
}
catch (Exception e)
{
    // A start-up failure (an invalid configuration, most often) is one clear message, not a stack trace. On Lambda
    // it also goes to /runtime/init/error, so the first invocation reports it; then the runtime exits.
    Console.Error.WriteLine(e.Message);
    if (LambdaHosting.IsLambda(Environment.GetEnvironmentVariable))
    {
        await LambdaHosting.ReportInitErrorAsync(e);
    }

    return 1;
}

await app.RunAsync();
return 0;
