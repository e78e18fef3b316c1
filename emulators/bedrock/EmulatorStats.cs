namespace BedrockNovaProxy.Emulators.Bedrock;

/// <summary>Counters of what the emulator served, for tests (which wait on them instead of sleeping) and for
/// load tests (which compare what the proxy sent with what it reported). Also served at GET /_emulator/stats, as JSON
/// of its public properties.</summary>
public sealed class EmulatorStats
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byAccessKey = new(StringComparer.Ordinal);
    private long _requests, _converse, _converseStream, _invoke, _authFailures, _errors, _faults, _inputTokens, _outputTokens, _inFlight, _cancelled, _assumeRole, _stsErrors;

    public long Requests => Interlocked.Read(ref _requests);
    public long Converse => Interlocked.Read(ref _converse);
    public long ConverseStream => Interlocked.Read(ref _converseStream);
    public long InvokeModel => Interlocked.Read(ref _invoke);
    public long AuthFailures => Interlocked.Read(ref _authFailures);
    public long Errors => Interlocked.Read(ref _errors);
    public long FaultsInjected => Interlocked.Read(ref _faults);
    public long InputTokens => Interlocked.Read(ref _inputTokens);
    public long OutputTokens => Interlocked.Read(ref _outputTokens);
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Requests whose caller went away before the answer was complete.</summary>
    public long Cancelled => Interlocked.Read(ref _cancelled);

    /// <summary>Temporary credentials the emulated STS issued.</summary>
    public long AssumeRole => Interlocked.Read(ref _assumeRole);

    /// <summary>STS requests answered with an error (authentication failures included).</summary>
    public long StsErrors => Interlocked.Read(ref _stsErrors);

    /// <summary>Bedrock requests accepted per signing access key (the fixed local key, or an STS session's ASIA... key).
    /// Access key ids only: secrets and session tokens are never recorded.</summary>
    public IReadOnlyDictionary<string, long> RequestsByAccessKey => new Dictionary<string, long>(_byAccessKey, StringComparer.Ordinal);

    /// <summary>What travelled over HTTP/1.1 and what over HTTP/2 (h2c or h2 by ALPN).</summary>
    public ProtocolStats Http1 { get; } = new();

    public ProtocolStats Http2 { get; } = new();

    /// <summary>The counters of a request's protocol ("HTTP/1.1", "HTTP/2" as HttpRequest.Protocol names them).</summary>
    public ProtocolStats Of(string protocol) => protocol == "HTTP/2" ? Http2 : Http1;

    /// <summary>Completes when <paramref name="condition"/> holds; re-checked after every change.</summary>
    public async Task WaitUntilAsync(Func<EmulatorStats, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Started(string operation)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _inFlight);
        switch (operation)
        {
            case "converse":
                Interlocked.Increment(ref _converse);
                break;
            case "converse-stream":
                Interlocked.Increment(ref _converseStream);
                break;
            default:
                Interlocked.Increment(ref _invoke);
                break;
        }

        Changed();
    }

    internal void Finished() => Bump(ref _inFlight, -1);

    internal void SignedBy(string accessKeyId)
    {
        _byAccessKey.AddOrUpdate(accessKeyId, 1, (_, n) => n + 1);
        Changed();
    }

    internal void AssumedRole() => Bump(ref _assumeRole);

    internal void StsFailed() => Bump(ref _stsErrors);

    internal void AuthFailed() => Bump(ref _authFailures);

    internal void Failed() => Bump(ref _errors);

    internal void FaultInjected() => Bump(ref _faults);

    internal void CallerCancelled(string protocol)
    {
        Of(protocol).Cancel();
        Bump(ref _cancelled);
    }

    internal void Served(string protocol)
    {
        Of(protocol).Request();
        Changed();
    }

    internal void ConnectionOpened(string protocol)
    {
        Of(protocol).Open();
        Changed();
    }

    internal void ConnectionClosed(string protocol)
    {
        Of(protocol).Close();
        Changed();
    }

    internal void Tokens(int input, int output)
    {
        Interlocked.Add(ref _inputTokens, input);
        Bump(ref _outputTokens, output);
    }

    private void Bump(ref long counter, long by = 1)
    {
        Interlocked.Add(ref counter, by);
        Changed();
    }

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}

/// <summary>Requests, connections and cancellations of one HTTP version. On HTTP/2 a cancelled request is a stream the
/// client reset (RST_STREAM) or lost with its connection: <see cref="ConnectionsClosed"/> tells the two apart.</summary>
public sealed class ProtocolStats
{
    private long _requests, _opened, _closed, _cancelled;

    public long Requests => Interlocked.Read(ref _requests);

    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    public long ConnectionsClosed => Interlocked.Read(ref _closed);

    public long Cancelled => Interlocked.Read(ref _cancelled);

    internal void Request() => Interlocked.Increment(ref _requests);

    internal void Open() => Interlocked.Increment(ref _opened);

    internal void Close() => Interlocked.Increment(ref _closed);

    internal void Cancel() => Interlocked.Increment(ref _cancelled);
}
