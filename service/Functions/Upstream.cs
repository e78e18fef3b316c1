using System.Collections.Concurrent;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace BedrockNovaProxy.Functions;

/// <summary>How Bedrock calls survive transient failures (Polly): retries with jittered exponential backoff for
/// throttling and transient errors, bounded by the request's own deadline (its cancellation token), and a circuit
/// breaker per model so a failing model is given a rest instead of more load. Calls are only retried before any
/// byte has reached the client: a stream is retried while it is being opened, never once it flows.</summary>
public sealed class Upstream
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly ResilienceOptions _options;
    private readonly TimeProvider _time;

    public Upstream(ProxyConfiguration configuration, TimeProvider time)
    {
        _options = configuration.Options.Bedrock.Resilience;
        _time = time;
    }

    /// <summary>Runs a Bedrock call for <paramref name="modelId"/>, turning its failures into the OpenAI error the client gets.</summary>
    public async Task<T> CallAsync<T>(string modelId, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, string operation = "chat")
    {
        using var activity = Telemetry.GenAi.StartCall(operation, modelId);
        try
        {
            return await PipelineFor(modelId).ExecuteAsync(static (state, ct) => new ValueTask<T>(state(ct)), call, cancellationToken).ConfigureAwait(false);
        }
        catch (BedrockException e)
        {
            activity?.SetTag("error.type", e.ErrorType);
            throw new OpenAiException(Translation.ErrorTranslator.FromBedrock(e));
        }
        catch (BedrockTransportException e)
        {
            throw new OpenAiException(Translation.ErrorTranslator.FromTransport(e));
        }
        catch (Bedrock.Sts.AssumeRoleException e)
        {
            // Not the model's failure: neither retried here nor counted by its circuit breaker.
            activity?.SetTag("error.type", e.Error?.Code ?? "AssumeRoleFailed");
            throw new OpenAiException(Translation.ErrorTranslator.FromAssumeRole(e));
        }
        catch (BrokenCircuitException e)
        {
            throw new OpenAiException(new OpenAiError(503,
                $"The model {modelId} is failing repeatedly; the proxy is giving it a rest. Try again shortly.",
                OpenAiError.ServerErrorType, null, "model_circuit_open", e.RetryAfter ?? _options.BreakDuration));
        }
    }

    /// <summary>Throttling and failures that a second attempt can cure; never validation or permission errors,
    /// and never a call that timed out (its time is already spent).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        BedrockException e => e.ErrorType is "ThrottlingException" or "ServiceUnavailableException" or "InternalServerException" or "ModelNotReadyException",
        BedrockTransportException e => !e.TimedOut,
        _ => false,
    };

    private ResiliencePipeline PipelineFor(string modelId) => _pipelines.GetOrAdd(modelId, _ =>
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
            });
        }

        return builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            // Only failures of the model or of Bedrock count; a client's bad request says nothing about the model.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
            FailureRatio = _options.FailureRatio,
            MinimumThroughput = _options.MinimumThroughput,
            SamplingDuration = _options.SamplingDuration,
            BreakDuration = _options.BreakDuration,
        }).Build();
    });
}
