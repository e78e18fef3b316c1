using BedrockNovaProxy.Configuration;

namespace BedrockNovaProxy.Limits;

/// <summary>Usage per key, model alias and UTC day, counted in memory as answers end and written to the store in
/// batches behind the responses: every <see cref="SharedLimitsOptions.UsageFlushInterval"/>, at shutdown, and on
/// Lambda after each invocation (a frozen sandbox would otherwise hold counts nobody writes). Rows that fail to
/// write are kept for the next flush.</summary>
public sealed class UsageLog(ILimitStore store, SharedLimitsOptions options, TimeProvider time, LimitsMetrics metrics) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<(string Day, string Key, string Alias), UsageRow> _pending = [];

    /// <summary>Usage rows live a little over a year (the table's TTL), long enough for monthly and yearly charge-back.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    public void Record(string key, string alias, long input, long output, long cached, long costMicroUsd)
    {
        var day = Allowance.Window(Period.Day, time.GetUtcNow(), out _);
        lock (_lock)
        {
            _pending[(day, key, alias)] = Add(_pending.GetValueOrDefault((day, key, alias)), new(day, key, alias, 1, input, output, cached, costMicroUsd));
        }
    }

    /// <summary>Writes what is counted so far; concurrent callers wait for one flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<(string, string, string), UsageRow> batch;
            lock (_lock)
            {
                (batch, _pending) = (_pending, []);
            }

            if (batch.Count == 0)
            {
                return;
            }

            var expires = time.GetUtcNow() + Retention;
            var writes = batch.Values.Select(async row =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(options.Timeout * 10);
                    await store.AddUsageAsync(row, expires, timeout.Token).ConfigureAwait(false);
                    return null;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    metrics.StoreFailed(e);
                    return row;
                }
            }).ToList();
            var failed = (await Task.WhenAll(writes).ConfigureAwait(false)).OfType<UsageRow>().ToList();
            LimitsMetrics.UsageWritten(batch.Count - failed.Count);
            lock (_lock)
            {
                foreach (var row in failed)
                {
                    var id = (row.Day, row.Key, row.Alias);
                    _pending[id] = Add(_pending.GetValueOrDefault(id), row);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.UsageFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    private static UsageRow Add(UsageRow? a, UsageRow b) => a is null ? b : a with
    {
        Requests = a.Requests + b.Requests,
        InputTokens = a.InputTokens + b.InputTokens,
        OutputTokens = a.OutputTokens + b.OutputTokens,
        CachedTokens = a.CachedTokens + b.CachedTokens,
        CostMicroUsd = a.CostMicroUsd + b.CostMicroUsd,
    };
}
