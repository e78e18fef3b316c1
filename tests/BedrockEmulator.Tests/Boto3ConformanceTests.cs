using BedrockNovaProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>AWS's own Python SDK against the emulator: botocore's signer, serialisers (restJson1 for Bedrock, awsQuery for
/// STS) and event-stream parser are an independent judge of wire fidelity. Needs python3 with boto3: skipped without
/// it, except in CI (CI set), where it fails (.ci/run installs it).</summary>
public class Boto3ConformanceTests
{
    /// <summary>Over plain HTTP, and over HTTPS with the emulator's CA trusted through AWS_CA_BUNDLE, as botocore reads it
    /// (botocore speaks HTTP/1.1 only: ALPN gives it http/1.1).</summary>
    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task Boto3_accepts_the_emulator(string scheme)
    {
        var ct = TestContext.Current.CancellationToken;
        ExternalTools.Require(await ExternalTools.RunsAsync("python3", ["-c", "import boto3"], ct), "python3 with boto3 is not installed");

        await using var emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0"], o =>
        {
            o.Sts.DeniedRoleArns.Add("arn:aws:iam::444455556666:role/denied");
            o.HttpsUrl = "https://127.0.0.1:0";
        });
        await emulator.StartAsync(ct);
        var endpoints = emulator.Services.GetRequiredService<Transport.EmulatorEndpoints>();
        var endpoint = (scheme == "https" ? endpoints.HttpsUrl! : endpoints.Http1Url!).ToString().TrimEnd('/');
        var script = Path.Combine(AppContext.BaseDirectory, "conformance", "boto3_conformance.py");

        var run = await ExternalTools.RunAsync("python3", [script, endpoint], ct, environment: new Dictionary<string, string> { ["AWS_CA_BUNDLE"] = endpoints.CaBundlePath! });

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        Assert.True(run.Output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)) >= 25, run.Output);
        var stats = emulator.Services.GetRequiredService<EmulatorStats>();
        Assert.True(stats.Http1.Requests >= 25);
        Assert.Equal(0, stats.Http2.Requests);
    }
}
