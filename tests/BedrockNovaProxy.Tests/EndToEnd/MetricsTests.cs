namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>The CloudWatch EMF line each request leaves, through every hosting mode.</summary>
public class MetricsTests(LocalSystems systems) : EndToEndTest
{
    [Theory, EveryHosting]
    public async Task Writes_one_emf_record_per_request_with_tokens_cost_and_time_to_first_token(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var chat = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o","messages":[{"role":"user","content":"count me"}]}"""), Ct);
        using var stream = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"stream me"}]}"""), Ct);
        await stream.Content.ReadAsStringAsync(Ct);
        using var missing = await system.Http.PostAsync("v1/chat/completions", JsonText("""{"model":"gpt-99","messages":[{"role":"user","content":"x"}]}"""), Ct);

        var c = await Line(system, chat);
        var s = await Line(system, stream);
        var m = await Line(system, missing);
        Assert.Equal(("acme", "chat.completions", "gpt-4o", "none", 1, 0), (Str(c, "Customer"), Str(c, "Operation"), Str(c, "ModelAlias"), Str(c, "ErrorClass"), Int(c, "Requests"), Int(c, "Errors")));
        Assert.Equal((2, 5), (Int(c, "InputTokens"), Int(c, "OutputTokens")));
        // Nova Pro: $0.80 in and $3.20 out per million tokens.
        Assert.Equal(0.0000176m, c.GetProperty("EstimatedCostUSD").GetDecimal());
        Assert.False(c.TryGetProperty("TimeToFirstToken", out _));
        Assert.Equal(("chat.completions.stream", "gpt-4o-mini"), (Str(s, "Operation"), Str(s, "ModelAlias")));
        Assert.True(s.GetProperty("TimeToFirstToken").GetDouble() > 0);
        Assert.Equal(("client", 1, 404), (Str(m, "ErrorClass"), Int(m, "Errors"), Int(m, "StatusCode")));
        var directives = c.GetProperty("_aws").GetProperty("CloudWatchMetrics");
        Assert.Equal("BedrockNovaProxy", directives[0].GetProperty("Namespace").GetString());
        Assert.Equal("test", Str(c, "ApiKey"));
        Assert.Equal("""[["Customer","Environment","Stage"],["Customer","Environment","Stage","Operation"],["Customer","Environment","Stage","ApiKey"],["Customer","Environment","Stage","ModelAlias","Operation"]]""",
            directives[0].GetProperty("Dimensions").GetRawText());
        // Under Lambda the stage is the alias API Gateway invoked (the local front names it after its stage).
        Assert.Equal(!hosting.IsLambda() ? "default" : InProcessStack.Stage, Str(c, "Stage"));
    }

    private static Task<JsonElement> Line(LocalSystem system, HttpResponseMessage response) =>
        system.Metrics.ForAsync(response.Headers.GetValues("x-request-id").Single());

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();
}
