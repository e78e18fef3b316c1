using System.Diagnostics;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Emulators.Lambda;
using BedrockNovaProxy.Tests.Support;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>SIGTERM, as a container runtime, systemd or a terminal sends it, ends each program cleanly: the built
/// emulators and the proxy (under Kestrel, and as a Lambda worker waiting on /next) exit with code 0, having run
/// their shutdown (the local Bedrock removes the CA folder it made). Real processes, started from the test's output
/// folder; each waits for the program to say it is up, never for a time.</summary>
public class ShutdownTests : EndToEndTest
{
    [Fact]
    public async Task Sigterm_ends_the_local_bedrock()
    {
        using var program = Start("BedrockNovaProxy.Emulators.Bedrock", ["--urls", "http://127.0.0.1:0", "--Emulator:Http2Url=http://127.0.0.1:0", "--Emulator:HttpsUrl=https://127.0.0.1:0"]);
        var lines = await program.ReadUntilAsync("Sign with", Ct);
        var caBundle = lines.Select(l => l.Split("AWS_CA_BUNDLE=", 2)).Where(p => p.Length == 2).Select(p => p[1].Split(' ')[0]).Single();
        Assert.True(File.Exists(caBundle));

        Assert.Equal(0, await program.TerminateAsync(Ct));
        Assert.False(Directory.Exists(Path.GetDirectoryName(caBundle)));
    }

    [Fact]
    public async Task Sigterm_ends_the_local_lambda()
    {
        using var program = Start("BedrockNovaProxy.Emulators.Lambda", []);
        await program.ReadUntilAsync("Lambda Runtime API on", Ct);

        Assert.Equal(0, await program.TerminateAsync(Ct));
    }

    [Fact]
    public async Task Sigterm_ends_the_proxy_under_kestrel()
    {
        using var program = Start("BedrockNovaProxy", ["--urls", "http://127.0.0.1:0"], ProxyEnvironment());
        await program.ReadUntilAsync("Application started", Ct);

        Assert.Equal(0, await program.TerminateAsync(Ct));
    }

    [Fact]
    public async Task Sigterm_ends_the_proxy_as_a_lambda_worker_waiting_for_work()
    {
        await using var lambda = LambdaEmulatorApp.Build([]);
        await lambda.StartAsync(Ct);
        var environment = ProxyEnvironment();
        environment["AWS_LAMBDA_RUNTIME_API"] = lambda.RuntimeApi;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "bedrock-nova-proxy";
        using var program = Start("BedrockNovaProxy", [], environment);
        await lambda.WaitForWorkerAsync(Ct); // its /next long poll is open

        Assert.Equal(0, await program.TerminateAsync(Ct));
    }

    private static Dictionary<string, string> ProxyEnvironment() => new()
    {
        ["AWS_REGION"] = LocalCredentials.Region,
        ["AWS_ACCESS_KEY_ID"] = LocalCredentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = LocalCredentials.SecretAccessKey,
        ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = "http://127.0.0.1:9",
        ["Proxy__Auth__AllowAnonymous"] = "true",
        ["Logging__Console__FormatterName"] = "simple",
    };

    private static Program Start(string name, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
        args.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new Program(Process.Start(start)!);
    }

    /// <summary>A started program, read line by line.</summary>
    private sealed class Program(Process process) : IDisposable
    {
        private readonly List<string> _lines = [];

        public async Task<List<string>> ReadUntilAsync(string marker, CancellationToken cancellationToken)
        {
            using var bound = Bound(cancellationToken);
            while (await process.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                _lines.Add(line);
                if (line.Contains(marker, StringComparison.Ordinal))
                {
                    return _lines;
                }
            }

            throw new InvalidOperationException($"The program ended before it printed '{marker}': {string.Join('\n', _lines)}\n{await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        /// <summary>SIGTERM, then its exit code.</summary>
        public async Task<int> TerminateAsync(CancellationToken cancellationToken)
        {
            ExternalTools.Terminate(process);
            using var bound = Bound(cancellationToken);
            var rest = process.StandardOutput.ReadToEndAsync(bound.Token);
            var errors = process.StandardError.ReadToEndAsync(bound.Token);
            await process.WaitForExitAsync(bound.Token);
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await rest}\n{await errors}");
            return process.ExitCode;
        }

        /// <summary>A safety bound, not a timing: a program that ignores SIGTERM fails the test instead of hanging it.</summary>
        private static CancellationTokenSource Bound(CancellationToken cancellationToken)
        {
            var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(30));
            return bound;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
