using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Telemetry;
using BedrockNovaProxy.Translation;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Functions;

/// <summary>What sets one OpenAI API answered by a Converse call apart from another on <see cref="ConverseFlow"/>
/// (chat completions, the Responses API): the request it reads, how that becomes the Converse call, and the shape of
/// the answer (<see cref="IConverseAnswer"/>).</summary>
public interface IConverseApi<TRequest>
{
    /// <summary>chat.completions, responses: the request's operation in the prompt log and, with ".stream" for a
    /// stream, in the metrics.</summary>
    string Operation { get; }

    JsonTypeInfo<TRequest> RequestType { get; }

    /// <summary>The request as its Converse call, in this API's answer shape. <paramref name="prepare"/> is what every
    /// request goes through as the chat completion request it means, before it is translated (the request limits,
    /// the fetch of remote images, the limits again); its errors, like the translator's, must name this API's fields.</summary>
    Task<IConverseAnswer> TranslateAsync(TRequest request, Func<ChatCompletionRequest, Task> prepare, ModelResolver models);
}

/// <summary>One request's Converse call, and how its API shapes the answer: whole, or as a stream.</summary>
public interface IConverseAnswer
{
    ChatTranslation Call { get; }

    /// <summary>Bedrock's whole answer in this API's shape.</summary>
    /// <param name="log">Whether the prompt log wants the answer.</param>
    Completion Complete(ConverseResponse response, bool log);

    /// <summary>The stream that relays Bedrock's events to <paramref name="sse"/> in this API's shape.</summary>
    IStreamAnswer Stream(ServerSentEvents sse, bool log);
}

/// <summary>A whole answer in its API's shape: what the client gets, the tokens it used, what the prompt log keeps.</summary>
public sealed class Completion
{
    private readonly object _value;
    private readonly JsonTypeInfo _typeInfo;

    private Completion(object value, JsonTypeInfo typeInfo, TokenCounts tokens, PromptAnswer? logged) =>
        (_value, _typeInfo, Tokens, Logged) = (value, typeInfo, tokens, logged);

    public TokenCounts Tokens { get; }

    public PromptAnswer? Logged { get; }

    public static Completion Of<T>(T value, JsonTypeInfo<T> typeInfo, TokenCounts tokens, PromptAnswer? logged)
        where T : class => new(value, typeInfo, tokens, logged);

    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken) =>
        response.WriteAsJsonAsync(_value, _typeInfo, contentType: null, cancellationToken);
}

/// <summary>A stream in its API's shape. The flow calls <see cref="StartAsync"/> once Bedrock accepted the call,
/// <see cref="Write"/> for each of Bedrock's events (and flushes what it wrote), then <see cref="EndAsync"/> once.</summary>
public interface IStreamAnswer
{
    /// <summary>True once Bedrock said the answer was complete.</summary>
    bool Finished { get; }

    /// <summary>The tokens used, once Bedrock's metadata event reported them.</summary>
    TokenCounts Tokens { get; }

    /// <summary>The events that open the stream, sent before Bedrock's first (if any).</summary>
    ValueTask StartAsync(CancellationToken cancellationToken);

    void Write(ConverseStreamEvent streamEvent);

    /// <summary>The events that close the stream, sent at once: the end of a whole answer, or the error that cut it
    /// short (<paramref name="failure"/>).</summary>
    /// <returns>The answer for the prompt log, when it wants one.</returns>
    ValueTask<PromptAnswer?> EndAsync(OpenAiError? failure, CancellationToken cancellationToken);
}
