using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.AppHost.Dashboard;

/// <summary>The local Bedrock's dashboard commands: set a fault for the next N calls or a share of calls, and clear it,
/// through the emulator's control endpoint (/_emulator/faults; docs/emulators.md) rather than markers in prompts.</summary>
public static class FaultCommands
{
    public const string Inject = "inject-fault", Clear = "clear-faults";

    // The kinds the emulator takes (emulators/bedrock/Conversation/InjectedFaults.cs), as the dashboard offers them.
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["throttle"] = "Throttling (429)",
        ["internal"] = "Internal error (500)",
        ["unavailable"] = "Service unavailable (503)",
        ["timeout"] = "Model timeout (408)",
        ["hang"] = "No answer (the caller times out)",
        ["broken-stream"] = "Stream broken half-way",
    };

    public static IResourceBuilder<ProjectResource> WithFaultCommands(this IResourceBuilder<ProjectResource> bedrock)
    {
        var endpoint = bedrock.GetEndpoint("http");
        bedrock.WithCommand(Inject, "Inject a fault", async context =>
        {
            var kind = context.Arguments.GetString("fault") ?? "throttle";
            var share = context.Arguments.GetString("share") is { Length: > 0 } s ? s.Trim() : "3";
            JsonObject? rule = share.EndsWith('%')
                ? double.TryParse(share.TrimEnd('%'), CultureInfo.InvariantCulture, out var percent) ? new() { ["fault"] = kind, ["percent"] = percent } : null
                : int.TryParse(share, CultureInfo.InvariantCulture, out var count) ? new() { ["fault"] = kind, ["count"] = count } : null;
            return rule is null ? CommandResults.Failure($"'{share}' is neither a number of calls (3) nor a share (25%)") : await SendAsync(HttpMethod.Post, endpoint, rule, context.CancellationToken);
        }, new CommandOptions
        {
            Description = "Make the local Bedrock fail: the next N calls (a number), or a share of calls until cleared (a percentage, 25%).",
            IconName = "Flash",
            Arguments =
            [
                new InteractionInput { Name = "fault", Label = "Fault", InputType = InputType.Choice, Required = true, Value = "throttle", Options = [.. Kinds] },
                new InteractionInput { Name = "share", Label = "Calls", InputType = InputType.Text, Required = true, Value = "3", Placeholder = "3 (the next 3 calls) or 25% (a share, until cleared)" },
            ],
        });
        bedrock.WithCommand(Clear, "Clear faults", context => SendAsync(HttpMethod.Delete, endpoint, null, context.CancellationToken),
            new CommandOptions { Description = "Stop the fault set by Inject a fault.", IconName = "Checkmark" });
        return bedrock;
    }

    private static async Task<ExecuteCommandResult> SendAsync(HttpMethod method, EndpointReference endpoint, JsonObject? body, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url) };
        using var request = new HttpRequestMessage(method, "/_emulator/faults") { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode
            ? CommandResults.Success($"local Bedrock faults: {answer}", answer, CommandResultFormat.Json)
            : CommandResults.Failure($"the local Bedrock refused the fault: {JsonNode.Parse(answer)?["message"]}");
    }
}
