using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Tests.Unit;

public class RequestLimitsTests
{
    // Small limits so that each case is easy to read: 6 bytes are 8 base64 characters.
    private static readonly LimitsOptions Limits = new()
    {
        MaxMessages = 3, MaxMessageChars = 10, MaxImages = 2, MaxImageBytes = 6, MaxDocuments = 1, MaxDocumentBytes = 9, MaxMediaBytes = 15,
    };

    private const string SixBytes = "data:image/png;base64,AAAAAAAA";
    private const string NineBytes = "data:image/png;base64,AAAAAAAAAAAA";

    private static string User(string content) => $$"""{"role":"user","content":{{content}}}""";

    private static string Text(string text) => $$"""{"type":"text","text":"{{text}}"}""";

    private static string Image(string url) => $$$"""{"type":"image_url","image_url":{"url":"{{{url}}}"}}""";

    private static string File(string data) => $$$"""{"type":"file","file":{"filename":"a.txt","file_data":"{{{data}}}"}}""";

    private static string Request(params string[] messages) => $$"""{"model":"gpt-4o","messages":[{{string.Join(",", messages)}}]}""";

    private static void Check(string json) =>
        RequestLimits.Check(TranslatorFixtures.ChatRequest(json), Limits);

    /// <summary>Requests at or under every limit, and shapes the limits leave to the translator.</summary>
    public static TheoryData<string, string> Accepted => new()
    {
        { "three messages of ten characters", Request(User("\"0123456789\""), User("\"0123456789\""), User("\"0123456789\"")) },
        { "ten characters over two parts", Request(User($"[{Text("01234")},{Text("56789")}]")) },
        { "two images of six bytes and a document of three", Request(User($"[{Image(SixBytes)},{Image(SixBytes)},{File("data:text/plain;base64,AAAA")}]")) },
        { "image_url as a plain string", Request(User($$"""[{"type":"image_url","image_url":"{{SixBytes}}"}]""")) },
        { "remote image URLs are sized when fetched", Request(User($"[{Image("https://example.com/" + new string('x', 100) + ".png")}]")) },
        { "whitespace inside base64 is not data", Request(User($"[{Image("data:image/png;base64,AAAA\\r\\nAAAA")}]")) },
        { "malformed shapes are the translator's to name", Request(User("5"), User("""[null,{"type":1},{"type":"image_url","image_url":7},{"type":"file","file":"x"}]"""), "null") },
        { "no messages at all", """{"model":"gpt-4o"}""" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_what_is_within_the_limits(string name, string json)
    {
        var exception = Record.Exception(() => Check(json));
        Assert.True(exception is null, $"{name}: {exception?.Message}");
    }

    /// <summary>Request -> status, param, code, and fragments of the message (the limit and the actual size).</summary>
    public static TheoryData<string, string, int, string, string, string[]> Refused => new()
    {
        { "four messages", Request(User("\"a\""), User("\"b\""), User("\"c\""), User("\"d\"")), 400, "messages", "array_too_long", ["at most 3", "got 4"] },
        { "eleven characters in a string", Request(User("\"a\""), User("\"0123456789x\"")), 400, "messages[1].content", "string_too_long", ["11 characters", "limit of 10"] },
        { "eleven characters over two parts", Request(User($"[{Text("012345")},{Text("67890")}]")), 400, "messages[0].content", "string_too_long", ["11 characters"] },
        { "refusal text counts too", Request(User("\"hi\""), """{"role":"assistant","content":[{"type":"refusal","refusal":"no no no no no"}]}"""), 400, "messages[1].content", "string_too_long", ["14 characters"] },
        { "an image of nine bytes", Request(User($"[{Text("look")},{Image(NineBytes)}]")), 400, "messages[0].content[1].image_url", "image_too_large", ["9 bytes", "limit of 6 bytes"] },
        { "a plain-string image of nine bytes", Request(User($$"""[{"type":"image_url","image_url":"{{NineBytes}}"}]""")), 400, "messages[0].content[0].image_url", "image_too_large", ["9 bytes"] },
        {
            "a third image, in a later message", Request(User($"[{Image(SixBytes)}]"), User($"[{Image("https://example.com/a.png")}]"), User($"[{Text("and")},{Image(SixBytes)}]")),
            400, "messages[2].content[1].image_url", "too_many_images", ["at most 2", "image number 3"]
        },
        { "a document of twelve bytes", Request(User($"[{File("data:text/plain;base64,AAAAAAAAAAAAAAAA")}]")), 400, "messages[0].content[0].file.file_data", "document_too_large", ["12 bytes", "limit of 9 bytes"] },
        { "a second document", Request(User($"[{File("data:text/plain;base64,AAAA")},{File("data:text/plain;base64,AAAA")}]")), 400, "messages[0].content[1].file", "too_many_documents", ["at most 1", "document number 2"] },
        {
            "images and documents together over the total", Request(User($"[{Image(SixBytes)},{Image(SixBytes)}]"), User($"[{File("data:text/plain;base64,AAAAAAAA")}]")),
            413, "messages", "request_too_large", ["more than 15 bytes", "at least 18 bytes", "messages[1].content"]
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_what_breaks_a_limit_naming_the_field_the_limit_and_the_size(string name, string json, int status, string param, string code, string[] fragments)
    {
        var error = Assert.Throws<OpenAiException>(() => Check(json)).Error;

        Assert.True((status, OpenAiError.InvalidRequestType, param, code) == (error.Status, error.Type, error.Param, error.Code), $"{name}: {error}");
        Assert.All(fragments, f => Assert.Contains(f, error.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("https://example.com/a.png", null)]
    [InlineData("data:text/plain,hello", null)]
    [InlineData("data:image/png;base64,", 0L)]
    [InlineData("data:image/png;base64,AA==", 1L)]
    [InlineData("data:image/png;base64,AAA=", 2L)]
    [InlineData("data:image/png;base64,AAAA", 3L)]
    [InlineData("DATA:image/png;BASE64,AAAA", 3L)]
    [InlineData("data:application/pdf;name=a.pdf;base64,AAAAAAAA", 6L)]
    [InlineData("data:image/png;base64,AAAA\r\nAAAA", 6L)]
    [InlineData("data:image/png;base64,AAAAAA== \n", 4L)]
    public void Sizes_a_data_url_by_its_decoded_bytes_without_decoding_it(string? url, long? bytes) =>
        Assert.Equal(bytes, RequestLimits.DecodedSize(url));
}
