using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Bedrock.EventStream;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Functions;

/// <summary>Relays a ConverseStream to the client as it arrives, for every streaming endpoint: each Bedrock event is
/// handed to the endpoint's translator (which adds its Server-Sent Events) and flushed at once, the first answer
/// token is timed, and a failure after the first byte comes back as the OpenAI error the stream must end with.</summary>
internal static class StreamRelay
{
    /// <returns>Null when Bedrock's stream ran to its end; otherwise the error that cut it short.</returns>
    public static async Task<OpenAiError?> RelayAsync(HttpContext context, ConverseEventStream stream, ServerSentEvents sse,
        Action<ConverseStreamEvent> write, long started, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var streamEvent in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (streamEvent is ConverseStreamEvent.BlockDelta)
                {
                    Metrics.FirstToken(context, time.GetElapsedTime(started));
                }

                write(streamEvent);
                await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (BedrockException e)
        {
            return ErrorTranslator.FromBedrock(e);
        }
        catch (BedrockTransportException e)
        {
            return ErrorTranslator.FromTransport(e);
        }
        catch (EventStreamFormatException)
        {
            return ErrorTranslator.FromStreamFormat();
        }
        catch (OperationCanceledException) when (context.Features.Get<RequestDeadline>() is { Expired: true } deadline)
        {
            return deadline.Error;
        }
    }

    /// <summary>Bedrock's stream ended without saying the answer was complete.</summary>
    public static OpenAiError Incomplete() =>
        new(502, "Amazon Bedrock ended the stream before the answer was complete.", OpenAiError.ServerErrorType, null, "upstream_stream_incomplete");
}
