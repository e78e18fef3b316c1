using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;

namespace BedrockNovaProxy.Emulators.Lambda.Runtime;

/// <summary>How a function answered one invocation.</summary>
public abstract record InvocationOutcome;

public sealed record BufferedOutcome(byte[] Payload) : InvocationOutcome;

/// <summary>A streamed answer: the front reads the worker's request body as it arrives, then signals Done so the
/// Runtime API can answer the worker.</summary>
public sealed record StreamedOutcome(HttpRequest Body, TaskCompletionSource Done) : InvocationOutcome;

/// <summary>The function failed: it reported an error, timed out (Sandbox.Timedout) or its runtime exited (Runtime.ExitError).</summary>
public sealed record ErrorOutcome(string ErrorType, string Body) : InvocationOutcome;

/// <param name="qualifier">The alias or version the caller invoked (API Gateway: the stage's alias), if any.</param>
public sealed class Invocation(string requestId, byte[] payload, DateTimeOffset deadline, string traceId, string? qualifier = null)
{
    private readonly CancellationTokenSource _expired = new();

    public string? Qualifier { get; } = qualifier;
    public string RequestId { get; } = requestId;
    public byte[] Payload { get; } = payload;
    public DateTimeOffset Deadline { get; } = deadline;
    public string TraceId { get; } = traceId;
    public TaskCompletionSource<InvocationOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires when Lambda times the function out at its deadline: a stream still running is cut there.</summary>
    public CancellationToken Expired => _expired.Token;

    internal ITimer? Timer { get; set; }

    internal void Expire() => _expired.Cancel();
}

/// <summary>Invocations waiting for a worker, and those a worker holds. Several workers (or several loops in one)
/// may poll at once; each invocation goes to exactly one. At its deadline an invocation times out as Lambda does it:
/// the caller gets the function's timeout error, and a late answer from the worker is refused.</summary>
public sealed class InvocationQueue(TimeProvider time)
{
    private readonly Channel<Invocation> _pending = Channel.CreateUnbounded<Invocation>();
    private readonly ConcurrentDictionary<string, Invocation> _active = new();
    private readonly TaskCompletionSource _workerPolled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _polls;

    public InvocationQueue() : this(TimeProvider.System)
    {
    }

    /// <summary>Completes the first time a worker asks for work: the worker is up.</summary>
    public Task WorkerPolled => _workerPolled.Task;

    /// <summary>How many times workers asked for work.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    public string? InitError { get; set; }

    /// <summary>Raised when an invocation a worker held timed out: the emulator resets the sandbox it started.</summary>
    public event Action<Invocation>? TimedOut;

    public void Enqueue(Invocation invocation)
    {
        var timeout = invocation.Deadline - time.GetUtcNow();
        if (timeout < TimeSpan.Zero)
        {
            timeout = TimeSpan.Zero;
        }

        // Lambda's own words in the function's log and error: "Task timed out after 30.00 seconds".
        var message = string.Create(CultureInfo.InvariantCulture, $"{invocation.RequestId} Task timed out after {timeout.TotalSeconds:0.00} seconds");
        invocation.Timer = time.CreateTimer(_ => Expire(invocation, message), null, timeout, Timeout.InfiniteTimeSpan);
        _pending.Writer.TryWrite(invocation);
    }

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polls);
        _workerPolled.TrySetResult();
        while (true)
        {
            var invocation = await _pending.Reader.ReadAsync(cancellationToken);
            if (invocation.Outcome.Task.IsCompleted)
            {
                continue; // timed out (or failed) while it waited: no worker ever sees it
            }

            _active[invocation.RequestId] = invocation;
            return invocation;
        }
    }

    /// <summary>An invocation a worker holds and may still answer: not finished, not timed out.</summary>
    public Invocation? Active(string requestId) => _active.GetValueOrDefault(requestId);

    public void Finish(string requestId)
    {
        if (_active.TryRemove(requestId, out var invocation))
        {
            invocation.Timer?.Dispose();
        }
    }

    /// <summary>Fails every invocation workers hold (their runtime exited); with <paramref name="pendingToo"/>, also
    /// those no worker took yet (a runtime that died before it asked for work).</summary>
    public void FailAll(string errorType, string message, bool pendingToo)
    {
        foreach (var id in _active.Keys)
        {
            if (_active.TryRemove(id, out var invocation))
            {
                Fail(invocation, errorType, message);
            }
        }

        while (pendingToo && _pending.Reader.TryRead(out var waiting))
        {
            Fail(waiting, errorType, message);
        }
    }

    private void Expire(Invocation invocation, string message)
    {
        var held = _active.TryRemove(invocation.RequestId, out _);
        if (held)
        {
            // The runtime that holds it is killed first, as Lambda ends the sandbox: cutting its stream first could let
            // it exit on its own and a fresh runtime start, which the kill would then hit instead.
            TimedOut?.Invoke(invocation);
        }

        Fail(invocation, "Sandbox.Timedout", message);
        invocation.Expire();
    }

    private static void Fail(Invocation invocation, string errorType, string message)
    {
        invocation.Timer?.Dispose();
        invocation.Outcome.TrySetResult(new ErrorOutcome(errorType, new System.Text.Json.Nodes.JsonObject { ["errorType"] = errorType, ["errorMessage"] = message }.ToJsonString()));
    }
}
