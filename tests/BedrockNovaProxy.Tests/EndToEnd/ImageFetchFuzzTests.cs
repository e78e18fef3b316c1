using System.Collections.Concurrent;
using BedrockNovaProxy.Tests.Support;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>Generated answers from an allowed image host: statuses, Content-Type and Content-Length headers that lie,
/// a PNG with bytes changed or cut, a connection dropped inside the body. The proxy passes the image on or refuses
/// it with an OpenAI-shaped 4xx naming the image's field; never a 5xx.</summary>
public class ImageFetchFuzzTests : EndToEndTest
{
    private static readonly int[] Statuses = [200, 200, 200, 200, 204, 206, 301, 404, 500];

    private static readonly string?[] Types =
        ["image/png", "image/png", "image/jpeg", "IMAGE/WEBP", "image/gif; charset=binary", "image/svg+xml", "text/html", "", ";;", "image/", "application/octet-stream", null];

    /// <summary>Status, type, length mode (0 true, 1 none, 2 more than is sent and the connection dropped, 3 ten bytes cut under a true length), byte edits and a cut.</summary>
    public sealed record Answer(int Status, int Type, int Length, (int At, byte Value)[] Edits, int Cut);

    private static readonly Gen<Answer> Answers = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 3],
        Gen.Select(Gen.Int[0, 999], Gen.Byte).Array[0, 3], Gen.Int[0, 200], (s, t, l, e, c) => new Answer(s, t, l, e, c));

    [Fact]
    public async Task Generated_image_answers_are_passed_on_or_refused_never_a_server_error()
    {
        var answers = new ConcurrentDictionary<int, Answer>();
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        await using var images = builder.Build();
        images.MapGet("/case/{id:int}.png", (int id, HttpContext context) => ServeAsync(context, answers[id]));
        await images.StartAsync(Ct);
        var origin = images.Urls.First();
        await using var system = await ImageFetchTests.LoopbackImagesAllowedAsync();

        var next = 0;
        var statuses = new Dictionary<int, int>();
        await GeneratedCases.CheckAsync(Answers, async answer =>
        {
            var id = Interlocked.Increment(ref next);
            answers[id] = answer;
            var body = $$$"""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"{{{origin}}}/case/{{{id}}}.png"}}]}]}""";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), TimeProvider.System);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(Ct, timeout.Token);
            using var response = await system.Http.PostAsync("v1/chat/completions", JsonText(body), linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 200 or (>= 400 and < 500), $"{status}: {text}");
            if (status != 200)
            {
                GeneratedFuzzTests.AssertOpenAiError(text);
                Assert.Contains("\"param\":\"messages[0].content[1].image_url\"", text, StringComparison.Ordinal);
            }
        }, seed: 20261209, cases: 200, print: a => $"{a.Status},{a.Type},{a.Length},{a.Cut},[{string.Join(";", a.Edits)}]");

        Assert.True(statuses.GetValueOrDefault(200) > 10 && statuses.GetValueOrDefault(400) > 10, string.Join(", ", statuses));
    }

    private static async Task ServeAsync(HttpContext context, Answer answer)
    {
        var bytes = Samples.Png;
        foreach (var (at, value) in answer.Edits)
        {
            bytes[at % bytes.Length] = value;
        }

        bytes = bytes[..(answer.Cut >= bytes.Length ? bytes.Length : bytes.Length - (answer.Cut % 8))];
        var response = context.Response;
        response.StatusCode = Statuses[answer.Status % Statuses.Length];
        if (Types[answer.Type % Types.Length] is { } type)
        {
            response.Headers.ContentType = type;
        }

        if (response.StatusCode is 204 or 301)
        {
            response.Headers.Location = "/elsewhere.png";
            return;
        }

        switch (answer.Length)
        {
            case 0: response.ContentLength = bytes.Length; break;
            case 2: response.ContentLength = bytes.Length + 100; break;
            case 3: bytes = bytes[..Math.Max(0, bytes.Length - 10)]; response.ContentLength = bytes.Length; break;
        }

        await response.Body.WriteAsync(bytes, context.RequestAborted);
        if (answer.Length == 2)
        {
            await response.Body.FlushAsync(context.RequestAborted);
            context.Abort(); // the connection dropped inside the body
        }
    }
}
