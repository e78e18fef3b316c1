using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;

namespace BedrockNovaProxy.Emulators.Bedrock.Endpoints;

/// <summary>/_emulator/faults: set a fault from outside instead of by a marker in the prompt (the AppHost dashboard's
/// commands call it). GET shows the rule in force, POST {"fault":"throttle","count":3} or {"fault":"internal",
/// "percent":25} sets one (replacing any), DELETE clears it. Unsigned, like the emulator's other /_emulator routes:
/// the emulator listens on loopback only.</summary>
public static class ControlEndpoint
{
    public const string Path = "/_emulator/faults";

    public static void Map(WebApplication app)
    {
        app.MapGet(Path, (InjectedFaults faults) => Answer(faults.Snapshot()));
        app.MapDelete(Path, (InjectedFaults faults) =>
        {
            faults.Clear();
            return Answer(faults.Snapshot());
        });
        app.MapPost(Path, async (HttpContext context, InjectedFaults faults) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return Problem($"the body is not JSON: {e.Message}");
            }

            if (body is not JsonObject request)
            {
                return Problem("the body must be an object: {\"fault\":\"throttle\",\"count\":3} or {\"fault\":\"internal\",\"percent\":25}");
            }

            string? kind = null;
            int? count = null;
            double? percent = null;
            try
            {
                kind = request["fault"]?.GetValue<string>();
                count = request["count"]?.GetValue<int>();
                percent = request["percent"]?.GetValue<double>();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                return Problem("'fault' is a string, 'count' a whole number, 'percent' a number");
            }

            if (InjectedFaults.Check(kind, count, percent) is { } problem)
            {
                return Problem(problem);
            }

            faults.Set(kind!, count, percent);
            return Answer(faults.Snapshot());
        });
    }

    private static IResult Answer(JsonObject state) => Results.Text(state.ToJsonString(), "application/json");

    private static IResult Problem(string message) =>
        Results.Text(new JsonObject { ["message"] = message, ["kinds"] = new JsonArray([.. InjectedFaults.Kinds.Keys.Select(k => (JsonNode)k)]) }.ToJsonString(),
            "application/json", statusCode: 400);
}
