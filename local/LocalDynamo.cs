using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace BedrockNovaProxy.Local;

/// <summary>dynalite (emulators/dynamodb, `npm ci` there) as a child process on 127.0.0.1, on LevelDB files of its own
/// so that it can be stopped (a store outage) and started again on the same port with its counters. The shared-limits
/// tests and `local bench --shared-limits` run on it; tests check <see cref="Installed"/> first (skip, or fail on CI).</summary>
public sealed class LocalDynamo : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("bnp-dynalite-").FullName;
    private Process? _process;

    private LocalDynamo()
    {
    }

    public static string Folder => Path.Combine(BedrockNovaProxy.Cli.RepositoryRoot.Find(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory(), "emulators", "dynamodb");

    /// <summary>Whether `npm ci` has installed dynalite (node itself is the caller's to check).</summary>
    public static bool Installed => File.Exists(Path.Combine(Folder, "node_modules", "dynalite", "index.js"));

    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    /// <summary>AWS's client on the local endpoint (dynalite accepts any credentials).</summary>
    public AmazonDynamoDBClient Client() => new(new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = Url.AbsoluteUri, AuthenticationRegion = "us-east-1" });

    public static async Task<LocalDynamo> StartAsync(CancellationToken cancellationToken)
    {
        var dynamo = new LocalDynamo();
        await dynamo.RunAsync(0, cancellationToken);
        return dynamo;
    }

    /// <summary>Stops the store (an outage): calls to it are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>The same store again, on the same port, with what it held.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => RunAsync(Port, cancellationToken);

    private async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { Path.Combine(Folder, "server.js"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), _data, "--exit-with-stdin" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (await _process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                Url = new Uri(line["listening ".Length..]);
                return;
            }
        }

        throw new InvalidOperationException("dynalite exited before listening: " + await _process.StandardError.ReadToEndAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
