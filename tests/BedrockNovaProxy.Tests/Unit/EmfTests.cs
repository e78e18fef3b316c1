using BedrockNovaProxy.Telemetry;

namespace BedrockNovaProxy.Tests.Unit;

public class EmfTests
{
    [Theory]
    [InlineData(200, "none")]
    [InlineData(400, "client")]
    [InlineData(401, "auth")]
    [InlineData(403, "auth")]
    [InlineData(404, "client")]
    [InlineData(429, "throttled")]
    [InlineData(502, "upstream")]
    [InlineData(503, "upstream")]
    [InlineData(504, "timeout")]
    public void Classifies_errors(int status, string errorClass) => Assert.Equal(errorClass, MetricNames.ErrorClass(status));

    [Fact]
    public void Every_declared_metric_and_dimension_has_a_value_within_emf_limits()
    {
        var line = Emf.Line("Acme/Proxy", new MetricsRecord("acme", "prod", "green", "chat.completions.stream", "gpt-4o", 200, 812.5, 95.25, 120, 40,
            NovaPrices.Estimate("amazon.nova-pro-v1:0", 120, 40), "req_1", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000)));

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(1_795_000_000_000, root.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        foreach (var directive in root.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            Assert.Equal("Acme/Proxy", directive.GetProperty("Namespace").GetString());
            Assert.InRange(directive.GetProperty("Metrics").GetArrayLength(), 1, 100);
            foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
            {
                Assert.Contains(metric.GetProperty("Name").GetString(), MetricNames.Metrics);
                Assert.Equal(JsonValueKind.Number, root.GetProperty(metric.GetProperty("Name").GetString()!).ValueKind);
            }

            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                Assert.InRange(set.GetArrayLength(), 1, 30);
                Assert.All(set.EnumerateArray(), d => Assert.Equal(JsonValueKind.String, root.GetProperty(d.GetString()!).ValueKind));
            }
        }

        Assert.Equal(0.000224m, root.GetProperty("EstimatedCostUSD").GetDecimal());
        Assert.DoesNotContain("\n", line);
    }

    [Fact]
    public void Reports_no_cost_for_a_model_without_a_known_price() =>
        Assert.Null(NovaPrices.Estimate("amazon.nova-2-multimodal-embeddings-v1:0", 100, 0));

    [Fact]
    public void The_stdout_sink_writes_each_record_as_one_line_the_same_as_the_text_form()
    {
        var output = new MemoryStream();
        var sink = new StdoutMetricsSink(output);
        var records = new[]
        {
            new MetricsRecord("acme", "prod", "green", "chat.completions", "gpt-4o", 200, 12.5, null, 10, 5, 0.01m, "req_1", DateTimeOffset.UnixEpoch),
            new MetricsRecord("acme", "prod", "green", "chat.completions.stream", "gpt-4o", 429, 1, 0.5, 0, 0, null, "req_\"2\"", DateTimeOffset.UnixEpoch, "key", true),
        };
        foreach (var record in records)
        {
            sink.Write("Acme/Proxy", record);
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal([.. records.Select(r => Emf.Line("Acme/Proxy", r)), ""], lines);
    }
}
