using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BedrockNovaProxy.Lambda;

/// <summary>One build, two hosts: with AWS_LAMBDA_RUNTIME_API set (Lambda sets it; so does the local emulator) the
/// app is served from the Runtime API, otherwise Kestrel listens as usual.</summary>
public static class LambdaHosting
{
    public static bool IsLambda(IConfiguration configuration) => IsLambda(name => configuration[name]);

    public static bool IsLambda(Func<string, string?> variable) => !string.IsNullOrEmpty(variable(LambdaRuntimeServer.RuntimeApiVariable));

    public static void UseLambdaRuntimeWhenPresent(this WebApplicationBuilder builder)
    {
        if (IsLambda(builder.Configuration))
        {
            builder.Services.RemoveAll<IServer>();
            builder.Services.AddSingleton<IServer, LambdaRuntimeServer>();
        }
    }

    /// <summary>A start-up failure on Lambda goes to /runtime/init/error, so the first invocation reports it instead of
    /// timing out. Elsewhere the exception simply ends the process.</summary>
    public static async Task ReportInitErrorAsync(Exception exception)
    {
        using var runtime = new RuntimeApiClient(Environment.GetEnvironmentVariable(LambdaRuntimeServer.RuntimeApiVariable)!);
        await runtime.PostInitErrorAsync("Runtime.InitError", exception.Message, CancellationToken.None).ConfigureAwait(false);
    }
}
