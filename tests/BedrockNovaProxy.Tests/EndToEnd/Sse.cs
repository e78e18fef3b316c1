using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>A response's Server-Sent Events as .NET's own parser (System.Net.ServerSentEvents) reads them: the
/// tests see the stream as a client does, not as the proxy meant to write it.</summary>
internal static class Sse
{
    /// <summary>The events as they arrive, for a test that acts mid-stream.</summary>
    public static async IAsyncEnumerable<SseItem<string>> EventsAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct))
        {
            yield return item;
        }
    }

    /// <summary>Every event of the body, to its end.</summary>
    public static async Task<List<SseItem<string>>> AllAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var events = EventsAsync(response, ct).GetAsyncEnumerator(ct);
        return await RestAsync(events);
    }

    /// <summary>The events not yet read, to the end of the body.</summary>
    public static async Task<List<SseItem<string>>> RestAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        var rest = new List<SseItem<string>>();
        while (await events.MoveNextAsync())
        {
            rest.Add(events.Current);
        }

        return rest;
    }
}
