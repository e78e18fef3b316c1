using System.Diagnostics;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

/// <summary>AWS's own Python SDK against the emulator: botocore's signer, serialisers (restJson1 for Bedrock, awsQuery for
/// STS) and event-stream parser are an independent judge of wire fidelity. Needs python3 with boto3: skipped without
/// it, except in CI (CI set), where it fails.</summary>
public class Boto3ConformanceTests
{
    [Fact]
    public async Task Boto3_accepts_the_emulator()
    {
        var ct = TestContext.Current.CancellationToken;
        if (!await HasBoto3Async(ct))
        {
            // CI must run this judge (.ci/run installs boto3); a machine with only the .NET SDK is told what it missed.
            const string Missing = "python3 with boto3 is not installed (pip install boto3)";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(Missing + ": in CI the emulator must be judged by boto3.");
            }

            Assert.Skip(Missing + "; in CI this test fails instead.");
        }

        await using var emulator = BedrockEmulatorApp.Build(["--urls", "http://127.0.0.1:0"], o => o.Sts.DeniedRoleArns.Add("arn:aws:iam::444455556666:role/denied"));
        await emulator.StartAsync(ct);
        var script = Path.Combine(AppContext.BaseDirectory, "conformance", "boto3_conformance.py");

        var (exitCode, output) = await RunAsync("python3", [script, emulator.Urls.First()], ct);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.True(output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)) >= 25, output);
    }

    private static async Task<bool> HasBoto3Async(CancellationToken ct)
    {
        try
        {
            return (await RunAsync("python3", ["-c", "import boto3"], ct)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
