using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Lambda;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Pipeline;

/// <summary>The time a request has left. It bounds everything the request does (through RequestAborted), and when it
/// runs out the client gets a 504 in OpenAI's shape instead of the platform cutting it off silently.</summary>
public sealed class RequestDeadline(TimeSpan budget, CancellationTokenSource source)
{
    public TimeSpan Budget { get; } = budget;
    public bool Expired => source.IsCancellationRequested;

    public OpenAiError Error => new(504,
        $"The request did not complete within the proxy's time limit of {Budget.TotalSeconds:0.#} seconds.", OpenAiError.ServerErrorType, null, "timeout");
}

public sealed class Deadline(RequestDelegate next, ProxyConfiguration configuration, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var budget = configuration.Options.Limits.RequestTimeout;
        if (context.Features.Get<ILambdaInvocationFeature>()?.Deadline is { } platform)
        {
            var left = platform - time.GetUtcNow() - configuration.Options.Lambda.DeadlineMargin;
            budget = left < budget ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : budget;
        }

        using var expiry = new CancellationTokenSource(budget, time);
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, expiry.Token);
        context.Features.Set(new RequestDeadline(budget, expiry));
        context.RequestAborted = linked.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // The 504 is written outside, by ErrorHandling: with the client's own token, not the one that just ran out.
            context.RequestAborted = aborted;
        }
    }
}
