using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BedrockNovaProxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Traces and metrics with the GenAI conventions, and request ids on every log line, never a prompt.</summary>
public class ObservabilityTests(LocalSystems systems) : EndToEndTest
{
    [Fact]
    public async Task Traces_each_bedrock_call_and_records_token_usage_with_genai_conventions()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GenAi.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var tokens = new ConcurrentQueue<(int Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == GenAi.Name) l.EnableMeasurementEvents(instrument); } };
        meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "gen_ai.client.token.usage")
            {
                tokens.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        meters.Start();
        var system = await systems.GetAsync(Hosting.Kestrel);

        // gpt-3.5-turbo (Nova Micro) is called by this test only, so its span and measurements are this request's.
        using var response = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":"trace me"}]}"""), Ct);

        var span = Assert.Single(spans, s => s.DisplayName == "chat amazon.nova-micro-v1:0");
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(("chat", "aws.bedrock", "amazon.nova-micro-v1:0"),
            (span.GetTagItem("gen_ai.operation.name"), span.GetTagItem("gen_ai.system"), span.GetTagItem("gen_ai.request.model")));
        var usage = tokens.Where(t => Equals(t.Tags["gen_ai.request.model"], "amazon.nova-micro-v1:0")).ToList();
        Assert.Equal([("input", 2), ("output", 5)], usage.Select(t => ((string)t.Tags["gen_ai.token.type"]!, t.Value)).Order());
        Assert.DoesNotContain(span.TagObjects, t => Equals(t.Value, "trace me"));
    }

    [Fact]
    public async Task Logs_each_request_with_its_ids_and_without_its_prompt()
    {
        var logs = new CapturingLoggerProvider();
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel,
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }, services: s => s.AddSingleton<ILoggerProvider>(logs));

        using var response = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"a secret prompt"}]}"""), Ct);

        var id = response.Headers.GetValues("x-request-id").Single();
        await system.Metrics.ForAsync(id); // written after the log line, once the answer has left
        var line = Assert.Single(logs.Lines, l => l.Message.StartsWith("POST /v1/chat/completions answered 200", StringComparison.Ordinal));
        Assert.Equal(id, line.Scope["RequestId"]);
        Assert.Contains("(chat.completions, gpt-4o, 3 input and 6 output tokens)", line.Message);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("secret", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(InProcessStack.ApiKey, StringComparison.Ordinal));
    }
}
