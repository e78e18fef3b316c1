using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace BedrockNovaProxy.Lambda;

/// <summary>What the proxy knows of the Lambda invocation behind a request (for logs, traces and deadlines).</summary>
public interface ILambdaInvocationFeature
{
    string RequestId { get; }
    string? ApiRequestId { get; }
    string? TraceId { get; }
    DateTimeOffset? Deadline { get; }
    string? FunctionArn { get; }
}

/// <summary>The ASP.NET Core request and response of one Lambda invocation. The response body goes into a pipe:
/// buffered, it is read whole at the end and marshalled into the event source's response JSON; streamed, the
/// first flush sends the prelude and every later flush sends its bytes as one chunk, so SSE events leave as
/// they are written.</summary>
internal sealed class InvocationFeatures :
    IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature,
    IHttpConnectionFeature, IHttpRequestIdentifierFeature, IHttpRequestBodyDetectionFeature, ILambdaInvocationFeature
{
    private readonly LambdaRequest _request;
    private readonly LambdaInvocation _invocation;
    private readonly RuntimeApiClient _runtime;
    private readonly bool _streaming;
    private readonly Pipe _body = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly BodyWriter _writer;
    private readonly CancellationTokenSource _aborted = new();
    private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];
    private readonly List<(Func<object, Task> Callback, object State)> _onCompleted = [];
    private StreamingResponse? _stream;
    private Task? _pump;
    private bool _abortRequested;

    public InvocationFeatures(LambdaRequest request, LambdaInvocation invocation, RuntimeApiClient runtime, bool streaming)
    {
        (_request, _invocation, _runtime, _streaming) = (request, invocation, runtime, streaming);
        _writer = new BodyWriter(_body.Writer, this);
        Stream = _writer.AsStream();
        Method = request.Method;
        PathBase = request.PathBase;
        Path = request.Path;
        QueryString = request.QueryString;
        RawTarget = request.PathBase + request.Path + request.QueryString;
        Body = new MemoryStream(request.Body, writable: false);
        foreach (var group in request.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            Headers[group.Key] = new StringValues(group.Select(h => h.Value).ToArray());
        }

        if (invocation.TraceId is { } trace && !Headers.ContainsKey("X-Amzn-Trace-Id"))
        {
            Headers["X-Amzn-Trace-Id"] = trace;
        }

        Headers.ContentLength ??= request.Body.Length;
        RemoteIpAddress = IPAddress.TryParse(request.SourceIp, out var ip) ? ip : null;
        TraceIdentifier = invocation.RequestId;
    }

    public IFeatureCollection ToCollection()
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(this);
        features.Set<IHttpResponseFeature>(this);
        features.Set<IHttpResponseBodyFeature>(this);
        features.Set<IHttpRequestLifetimeFeature>(this);
        features.Set<IHttpConnectionFeature>(this);
        features.Set<IHttpRequestIdentifierFeature>(this);
        features.Set<IHttpRequestBodyDetectionFeature>(this);
        features.Set<ILambdaInvocationFeature>(this);
        return features;
    }

    // IHttpRequestFeature
    public string Protocol { get; set; } = "HTTP/1.1";
    public string Scheme { get; set; } = "https";
    public string Method { get; set; }
    public string PathBase { get; set; }
    public string Path { get; set; }
    public string QueryString { get; set; }
    public string RawTarget { get; set; }
    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();
    public Stream Body { get; set; }
    public bool CanHaveBody => _request.Body.Length > 0;

    // IHttpResponseFeature
    public int StatusCode { get; set; } = StatusCodes.Status200OK;
    public string? ReasonPhrase { get; set; }
    IHeaderDictionary IHttpResponseFeature.Headers { get; set; } = new HeaderDictionary();
    Stream IHttpResponseFeature.Body { get => Stream; set => throw new NotSupportedException("Replace IHttpResponseBodyFeature instead."); }
    public bool HasStarted { get; private set; }
    public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));
    public void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Add((callback, state));

    // IHttpResponseBodyFeature
    public Stream Stream { get; }
    public PipeWriter Writer => _writer;
    public void DisableBuffering() { }
    public Task StartAsync(CancellationToken cancellationToken = default) => EnsureStartedAsync(cancellationToken);
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);
    public Task CompleteAsync() => EnsureStartedAsync(CancellationToken.None);

    // IHttpRequestLifetimeFeature: Lambda has no client connection to lose; Abort() ends the response as failed.
    // Middleware may replace the token (the Deadline links its own to it), as on Kestrel; ignoring that would leave
    // the request's deadline without effect on Lambda, where it matters most.
    public CancellationToken RequestAborted { get => _requestAborted ?? _aborted.Token; set => _requestAborted = value; }
    private CancellationToken? _requestAborted;

    public void Abort()
    {
        _abortRequested = true;
        _aborted.Cancel();
    }

    // IHttpConnectionFeature
    public string ConnectionId { get; set; } = "lambda";
    public IPAddress? RemoteIpAddress { get; set; }
    public IPAddress? LocalIpAddress { get; set; }
    public int RemotePort { get; set; }
    public int LocalPort { get; set; }

    // IHttpRequestIdentifierFeature
    public string TraceIdentifier { get; set; }

    // ILambdaInvocationFeature
    public string RequestId => _invocation.RequestId;
    public string? ApiRequestId => _request.ApiRequestId;
    public string? TraceId => _invocation.TraceId;
    public DateTimeOffset? Deadline => _invocation.Deadline;
    public string? FunctionArn => _invocation.FunctionArn;

    private IHeaderDictionary ResponseHeaders => ((IHttpResponseFeature)this).Headers;

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (HasStarted)
        {
            return;
        }

        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            await _onStarting[i].Callback(_onStarting[i].State).ConfigureAwait(false);
        }

        HasStarted = true;
        if (_streaming)
        {
            _stream = await _runtime.OpenStreamingResponseAsync(_invocation.RequestId, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(new ReadOnlySequence<byte>(LambdaResponses.Prelude(_request, StatusCode, HeaderList())), cancellationToken).ConfigureAwait(false);
            _pump = PumpAsync(_stream);
        }
    }

    /// <summary>Copies every flush of the body to the open streamed response, as one chunk each.</summary>
    private async Task PumpAsync(StreamingResponse stream)
    {
        var reader = _body.Reader;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            await stream.WriteAsync(result.Buffer, CancellationToken.None).ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>After the app is done: sends what is left and closes the response (buffered: the whole response
    /// JSON; streamed: the last chunk and the terminator, with error trailers if the app aborted).</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        await _body.Writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            if (_streaming)
            {
                await _pump!.ConfigureAwait(false);
                await _stream!.CompleteAsync(_abortRequested ? "Runtime.ResponseAborted" : null, _abortRequested ? "The response was aborted after it started." : null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var body = await ReadAllAsync(_body.Reader).ConfigureAwait(false);
                await _runtime.PostResponseAsync(_invocation.RequestId, LambdaResponses.Buffered(_request, StatusCode, HeaderList(), body), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            await RunCompletedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The app threw. Before the response started, Lambda gets an invocation error (API Gateway answers 502);
    /// after, the stream ends with error trailers.</summary>
    public async Task FailAsync(Exception exception, CancellationToken cancellationToken)
    {
        const string ErrorType = "BedrockNovaProxy.UnhandledException";
        try
        {
            if (_streaming && HasStarted)
            {
                await _body.Writer.CompleteAsync().ConfigureAwait(false);
                await _pump!.ConfigureAwait(false);
                await _stream!.CompleteAsync(ErrorType, exception.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _runtime.PostErrorAsync(_invocation.RequestId, ErrorType, exception.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            await RunCompletedAsync().ConfigureAwait(false);
        }
    }

    private List<KeyValuePair<string, string>> HeaderList() =>
        ResponseHeaders.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? ""))).ToList();

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                await reader.CompleteAsync().ConfigureAwait(false);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private async Task RunCompletedAsync()
    {
        for (var i = _onCompleted.Count - 1; i >= 0; i--)
        {
            await _onCompleted[i].Callback(_onCompleted[i].State).ConfigureAwait(false);
        }

        _aborted.Dispose();
    }

    /// <summary>The response PipeWriter: a flush is the moment the response starts (status and headers are final).</summary>
    private sealed class BodyWriter(PipeWriter inner, InvocationFeatures owner) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) { }

        // System.Text.Json's PipeWriter serialisation (WriteAsJsonAsync) needs to know what is buffered.
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            await owner.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
            return await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
