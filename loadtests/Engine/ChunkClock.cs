using System.Diagnostics;

namespace BedrockNovaProxy.LoadTests.Engine;

/// <summary>Times a streamed answer: the first chunk from the send (time to first token), each later one from the
/// chunk before it (the gaps a reader sees).</summary>
public sealed class ChunkClock
{
    private readonly long _sent = Stopwatch.GetTimestamp();
    private long _last;

    public TimeSpan? FirstToken { get; private set; }

    public List<TimeSpan> Gaps { get; } = [];

    public void Chunk()
    {
        var now = Stopwatch.GetTimestamp();
        if (FirstToken is null)
        {
            FirstToken = Stopwatch.GetElapsedTime(_sent, now);
        }
        else
        {
            Gaps.Add(Stopwatch.GetElapsedTime(_last, now));
        }

        _last = now;
    }
}
