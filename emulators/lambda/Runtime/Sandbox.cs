using System.Diagnostics;
using System.Globalization;

namespace BedrockNovaProxy.Emulators.Lambda.Runtime;

/// <summary>The function's runtime process when the emulator starts it (Emulator:Worker), as Lambda starts it in its
/// execution environment, with Lambda's environment variables. When it exits mid-invocation, the invocations it held
/// fail at once (Runtime.ExitError) instead of waiting for their deadline; when one times out, the process is killed
/// and the next invocation starts a new one, as Lambda resets the environment after a timeout or crash
/// (lambda-runtime-environment.html, "Failures during the invoke phase").</summary>
internal sealed class Sandbox : IAsyncDisposable
{
    private readonly WorkerOptions _worker;
    private readonly LambdaEmulatorOptions _options;
    private readonly InvocationQueue _queue;
    private readonly Func<string> _runtimeApi;
    private readonly Lock _lock = new();
    private Process? _process;
    private long _pollsAtStart;
    private bool _stopped;

    public Sandbox(LambdaEmulatorOptions options, InvocationQueue queue, Func<string> runtimeApi)
    {
        (_worker, _options, _queue, _runtimeApi) = (options.Worker, options, queue, runtimeApi);
        queue.TimedOut += _ => Reset();
    }

    /// <summary>Processes started so far (a cold start each).</summary>
    public int Starts { get; private set; }

    /// <summary>Starts the runtime if none runs: on the first invocation and after a crash or a timeout.</summary>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            // The Exited event is what says a runtime is gone (it clears _process), not HasExited: a runtime started
            // from the previous one's Exited handler could read as exited at once, and a second fresh runtime
            // started beside it (seen as three starts for two after a timeout).
            if (_stopped || _process is not null)
            {
                return;
            }

            var start = new ProcessStartInfo(_worker.Command!) { WorkingDirectory = _worker.WorkingDirectory ?? "", UseShellExecute = false };
            _worker.Arguments.ForEach(start.ArgumentList.Add);
            foreach (var (name, value) in Environment())
            {
                start.Environment[name] = value;
            }

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.Exited += (_, _) => Exited(process);
            _pollsAtStart = _queue.Polls;
            process.Start();
            _process = process;
            Starts++;
        }
    }

    /// <summary>Lambda's defined runtime environment variables, then the function's own.</summary>
    private Dictionary<string, string> Environment()
    {
        var variables = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = _runtimeApi(),
            ["AWS_LAMBDA_FUNCTION_NAME"] = _options.FunctionName,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + _options.FunctionName,
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = DateTime.UtcNow.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture) + "/[$LATEST]local",
            ["AWS_REGION"] = _options.Region,
            ["AWS_DEFAULT_REGION"] = _options.Region,
            ["LAMBDA_TASK_ROOT"] = Path.GetFullPath(_worker.WorkingDirectory ?? "."),
            ["TZ"] = ":UTC",
        };
        if (_worker.Handler is { } handler)
        {
            variables["_HANDLER"] = handler;
        }

        foreach (var (name, value) in _worker.Environment)
        {
            variables[name] = value;
        }

        return variables;
    }

    private void Exited(Process process)
    {
        bool polled;
        lock (_lock)
        {
            if (_stopped || !ReferenceEquals(process, _process))
            {
                return;
            }

            polled = _queue.Polls > _pollsAtStart;
            _process = null;
        }

        var message = $"Runtime exited with error: exit status {process.ExitCode}";
        // A runtime that never asked for work failed its init: what waits for it fails too, as Lambda fails the
        // invocation whose init failed. Otherwise only what it held fails, and a new runtime serves the rest.
        _queue.FailAll("Runtime.ExitError", message, pendingToo: !polled);
        if (polled)
        {
            EnsureStarted();
        }
    }

    /// <summary>A timed-out invocation: the runtime is killed; the next invocation starts a fresh one.</summary>
    private void Reset()
    {
        Process? process;
        lock (_lock)
        {
            process = _process;
        }

        process?.Kill(entireProcessTree: true);
    }

    public async ValueTask DisposeAsync()
    {
        Process? process;
        lock (_lock)
        {
            _stopped = true;
            process = _process;
        }

        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }
}
