using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BedrockNovaProxy.Emulators.Lambda.Runtime;

/// <summary>The Lambda Runtime API (2018-06-01) a worker process talks to: next, response (buffered or streamed),
/// error, init/error (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html). An id that is unknown, answered or
/// timed out is refused with 400 InvalidRequestID.</summary>
public static class RuntimeApi
{
    private const string Prefix = "/2018-06-01/runtime";

    public static void Map(WebApplication app, InvocationQueue queue, LambdaEmulatorOptions options)
    {
        var functionArn = $"arn:aws:lambda:{options.Region}:123456789012:function:{options.FunctionName}";
        app.MapGet(Prefix + "/invocation/next", async (HttpContext context) =>
        {
            var invocation = await queue.NextAsync(context.RequestAborted);
            var headers = context.Response.Headers;
            headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
            headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.Qualifier is { } qualifier ? $"{functionArn}:{qualifier}" : functionArn;
            headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
        });

        app.MapPost(Prefix + "/invocation/{id}/response", async (string id, HttpContext context) =>
        {
            if (queue.Active(id) is not { } invocation)
            {
                return UnknownRequest(id);
            }

            if (context.Request.Headers["Lambda-Runtime-Function-Response-Mode"] == "streaming")
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!invocation.Outcome.TrySetResult(new StreamedOutcome(context.Request, done)))
                {
                    return UnknownRequest(id); // timed out a moment ago
                }

                // The front reads this request's body as it arrives; answer the worker once it has all of it.
                await done.Task.WaitAsync(context.RequestAborted);
                queue.Finish(id);
                // Cut at the deadline: what the worker wrote after it was not delivered.
                return invocation.Expired.IsCancellationRequested ? UnknownRequest(id) : Results.Accepted();
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            queue.Finish(id);
            if (buffer.Length > options.MaxPayloadBytes)
            {
                invocation.Outcome.TrySetResult(new ErrorOutcome("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size."));
                return Error(413, "RequestEntityTooLarge", $"Response payload size ({buffer.Length} bytes) exceeded maximum allowed payload size ({options.MaxPayloadBytes} bytes).");
            }

            // A late answer (the deadline passed while it was read) is refused: Lambda already answered the caller.
            return invocation.Outcome.TrySetResult(new BufferedOutcome(buffer.ToArray())) ? Results.Accepted() : UnknownRequest(id);
        });

        app.MapPost(Prefix + "/invocation/{id}/error", async (string id, HttpContext context) =>
        {
            if (queue.Active(id) is not { } invocation)
            {
                return UnknownRequest(id);
            }

            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
            queue.Finish(id);
            return invocation.Outcome.TrySetResult(new ErrorOutcome(context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString(), body))
                ? Results.Accepted()
                : UnknownRequest(id);
        });

        app.MapPost(Prefix + "/init/error", async (HttpContext context) =>
        {
            queue.InitError = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
            return Results.Accepted();
        });
    }

    private static IResult UnknownRequest(string id) => Error(400, "InvalidRequestID", $"Invalid request ID: {id}");

    private static IResult Error(int status, string type, string message) =>
        Results.Content(new JsonObject { ["errorMessage"] = message, ["errorType"] = type }.ToJsonString(), "application/json", Encoding.UTF8, status);
}
