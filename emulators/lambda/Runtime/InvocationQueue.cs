using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Emulators.Lambda.Runtime;

/// <summary>How a function answered one invocation.</summary>
public abstract record InvocationOutcome;

public sealed record BufferedOutcome(byte[] Payload) : InvocationOutcome;

/// <summary>A streamed answer: the front reads the worker's request body as it arrives, then signals Done so the
/// Runtime API can answer the worker.</summary>
public sealed record StreamedOutcome(HttpRequest Body, TaskCompletionSource Done) : InvocationOutcome;

public sealed record ErrorOutcome(string ErrorType, string Body) : InvocationOutcome;

/// <param name="qualifier">The alias or version the caller invoked (API Gateway: the stage's alias), if any.</param>
public sealed class Invocation(string requestId, byte[] payload, DateTimeOffset deadline, string traceId, string? qualifier = null)
{
    public string? Qualifier { get; } = qualifier;
    public string RequestId { get; } = requestId;
    public byte[] Payload { get; } = payload;
    public DateTimeOffset Deadline { get; } = deadline;
    public string TraceId { get; } = traceId;
    public TaskCompletionSource<InvocationOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Invocations waiting for a worker, and those a worker holds. Several workers (or several loops in one)
/// may poll at once; each invocation goes to exactly one.</summary>
public sealed class InvocationQueue
{
    private readonly Channel<Invocation> _pending = Channel.CreateUnbounded<Invocation>();
    private readonly ConcurrentDictionary<string, Invocation> _active = new();
    private readonly TaskCompletionSource _workerPolled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the first time a worker asks for work: the worker is up.</summary>
    public Task WorkerPolled => _workerPolled.Task;

    public string? InitError { get; set; }

    public void Enqueue(Invocation invocation) => _pending.Writer.TryWrite(invocation);

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        _workerPolled.TrySetResult();
        var invocation = await _pending.Reader.ReadAsync(cancellationToken);
        _active[invocation.RequestId] = invocation;
        return invocation;
    }

    public Invocation? Active(string requestId) => _active.GetValueOrDefault(requestId);

    public void Finish(string requestId) => _active.TryRemove(requestId, out _);
}
