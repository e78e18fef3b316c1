namespace BedrockNovaProxy.Telemetry;

/// <summary>Where metric lines go: stdout by default (CloudWatch Logs turns EMF lines into metrics on Lambda and with
/// the awslogs driver on ECS, with no SDK or agent).</summary>
public interface IMetricsSink
{
    void Write(string line);
}

public sealed class StdoutMetricsSink : IMetricsSink
{
    public void Write(string line) => Console.Out.WriteLine(line);
}

/// <summary>The sink that drops metric lines, where EMF is off.</summary>
public sealed class NoMetricsSink : IMetricsSink
{
    public void Write(string line)
    {
    }
}
