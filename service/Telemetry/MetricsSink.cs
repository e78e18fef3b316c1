using System.Buffers;

namespace BedrockNovaProxy.Telemetry;

/// <summary>Where metric records go: EMF lines on stdout by default (CloudWatch Logs turns them into metrics on Lambda
/// and with the awslogs driver on ECS, with no SDK or agent).</summary>
public interface IMetricsSink
{
    /// <summary>False where EMF is off: then no record is even built.</summary>
    bool Enabled => true;

    void Write(string @namespace, MetricsRecord record);
}

/// <summary>One EMF line per record on stdout, written as UTF-8 straight from the JSON writer: one write per line, so a
/// line is never split or interleaved, and nothing is allocated per request.</summary>
public sealed class StdoutMetricsSink(Stream output) : IMetricsSink
{
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private Utf8JsonWriter? _json;

    public StdoutMetricsSink()
        : this(Console.OpenStandardOutput())
    {
    }

    public void Write(string @namespace, MetricsRecord record)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            if (_json is null)
            {
                _json = new Utf8JsonWriter(_buffer);
            }
            else
            {
                _json.Reset(_buffer);
            }

            Emf.Write(_json, @namespace, record);
            _buffer.Write("\n"u8);
            output.Write(_buffer.WrittenSpan);
        }
    }
}

/// <summary>The sink where EMF is off.</summary>
public sealed class NoMetricsSink : IMetricsSink
{
    public bool Enabled => false;

    public void Write(string @namespace, MetricsRecord record)
    {
    }
}
