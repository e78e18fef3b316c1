using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Every log entry the proxy writes, at every level and in every category, with its structured values and
/// the scopes around it (added to the proxy's services: <c>services: s => s.AddSingleton&lt;ILoggerProvider&gt;(logs)</c>).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<LogEntry> Lines { get; } = new();

    /// <summary>All that was logged, as one text: messages, structured values and scopes.</summary>
    public string Everything => string.Join("\n", Lines.Select(l =>
        $"{l.Category} {l.Message} {string.Join(" ", l.State.Values)} {string.Join(" ", l.Scope.Values)}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, string Message, Dictionary<string, object?> State, Dictionary<string, object?> Scope);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((s, d) =>
            {
                if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (k, v) in pairs)
                    {
                        d[k] = v;
                    }
                }
            }, scope);
            var values = state is IEnumerable<KeyValuePair<string, object?>> items ? items.ToDictionary(i => i.Key, i => i.Value) : [];
            owner.Lines.Enqueue(new LogEntry(category, formatter(state, exception) + (exception is null ? "" : " " + exception), values, scope));
        }
    }
}
