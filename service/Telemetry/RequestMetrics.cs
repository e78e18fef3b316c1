namespace BedrockNovaProxy.Telemetry;

/// <summary>What one request did, filled in by the pipeline and the function that served it, written as one
/// metrics record when the request ends. Never holds prompts, answers or keys.</summary>
public sealed class RequestMetrics
{
    public string? Operation { get; set; }
    public string? ModelAlias { get; set; }
    public string? ModelId { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public TimeSpan? TimeToFirstToken { get; set; }
}

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
