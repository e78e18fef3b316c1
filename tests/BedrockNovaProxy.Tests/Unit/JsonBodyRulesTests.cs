using System.Text;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>What a body must be beyond JSON's grammar (<see cref="JsonBodyRules"/>), and the headers it must come with.
/// The rows marked "fuzz" are failures the generated tests found (EndToEnd/GeneratedFuzzTests), shrunk.</summary>
public class JsonBodyRulesTests
{
    public static TheoryData<string, byte[], string?, string> Broken => new()
    {
        // fuzz: every endpoint answered 500 (the deserializer's InvalidOperationException) for an escaped lone surrogate.
        { "lone high surrogate", Utf8("""{"model":"gpt-4o","messages":[{"role":"user","content":"\ud800"}]}"""), "messages[0].content", "invalid_unicode" },
        { "lone low surrogate", Utf8("""{"model":"gpt-4o","input":"a\udc00b"}"""), "input", "invalid_unicode" },
        { "reversed pair", Utf8("""{"model":"gpt-4o","input":["x","\udc00\ud800"]}"""), "input[1]", "invalid_unicode" },
        { "surrogate in a name", Utf8("""{"model":"gpt-4o","metadata":{"\ud83d":"x"}}"""), "metadata", "invalid_unicode" },
        { "surrogate deep in a schema", Utf8("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","description":"\udfff"}}}]}"""), "tools[0].function.parameters.description", "invalid_unicode" },
        { "invalid UTF-8 byte", [.. Utf8("{\"model\":\""), 0xff, .. Utf8("\",\"messages\":[]}")], "model", "invalid_unicode" },
        { "overlong UTF-8", [.. Utf8("{\"input\":\""), 0xc0, 0xaf, .. Utf8("\"}")], "input", "invalid_unicode" },
        { "UTF-8 encoded surrogate", [.. Utf8("{\"input\":[\"a\",\""), 0xed, 0xa0, 0x80, .. Utf8("\"]}")], "input[1]", "invalid_unicode" },
        { "invalid UTF-8 next to an escape", [.. Utf8("{\"input\":\"\\n"), 0xfe, .. Utf8("\"}")], "input", "invalid_unicode" },
        { "escaped NUL", Utf8("""{"model":"gpt-4o","messages":[{"role":"user","content":"a\u0000b"}]}"""), "messages[0].content", "invalid_unicode" },
        { "NUL in a name", Utf8("""{"metadata":{"a\u0000":"x"}}"""), "metadata", "invalid_unicode" },
        { "duplicate top-level member", Utf8("""{"model":"gpt-4o","model":"gpt-4o-mini","messages":[]}"""), "model", "duplicate_member" },
        { "duplicate nested member", Utf8("""{"messages":[{"role":"user"},{"role":"user","content":"a","content":"b"}]}"""), "messages[1].content", "duplicate_member" },
        { "same name in sibling objects is fine, twice in one is not", Utf8("""{"a":{"x":1},"b":{"x":1,"x":2}}"""), "b.x", "duplicate_member" },
        { "number beyond a double", Utf8("""{"model":"gpt-4o","temperature":1e400}"""), "temperature", "invalid_number" },
        { "negative number beyond a double", Utf8("""{"tools":[{"function":{"parameters":{"minimum":-1e999}}}]}"""), "tools[0].function.parameters.minimum", "invalid_number" },
        { "deep nesting", Utf8("""{"metadata":""" + new string('[', 70) + new string(']', 70) + "}"), "metadata" + string.Concat(Enumerable.Repeat("[0]", 63)), "nested_too_deep" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Refuses_what_bedrock_would_refuse_or_mangle_naming_the_field(string _, byte[] body, string? param, string code)
    {
        var error = Assert.Throws<OpenAiException>(() => JsonBody.Parse(body, OpenAiJsonContext.Default.ChatCompletionRequest)).Error;
        Assert.Equal((400, OpenAiError.InvalidRequestType, param, code), (error.Status, error.Type, error.Param, error.Code));
        Assert.Contains(param is null ? "Invalid request body" : $"'{param}'", error.Message);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"😀 \ud83d\ude00 é \u00e9 \uffff \t"}]}""")]
    [InlineData("""{"model":"gpt-4o","temperature":1e308,"top_p":-0.0,"max_tokens":12}""")]
    [InlineData("""{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]}""")]
    public void Accepts_valid_unicode_numbers_and_repeated_names_in_different_objects(string json) =>
        Assert.Null(JsonBodyRules.Check(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Leaves_syntax_errors_to_the_deserializer_which_names_the_path() =>
        Assert.Null(JsonBodyRules.Check(Encoding.UTF8.GetBytes("""{"model":"m","messages":[""")));

    [Theory]
    [InlineData("application/json", null, null)]
    [InlineData("application/json; charset=utf-8", null, null)]
    [InlineData("Application/JSON; charset=UTF8", "identity", null)]
    [InlineData("application/merge-patch+json", null, null)]
    [InlineData(null, null, "unsupported_media_type")]
    [InlineData("text/plain", null, "unsupported_media_type")]
    [InlineData("application/x-www-form-urlencoded", null, "unsupported_media_type")]
    [InlineData("application/json; charset=utf-16", null, "unsupported_media_type")]
    [InlineData("application/json; charset=\"", null, "unsupported_media_type")]
    [InlineData(";;", null, "unsupported_media_type")]
    [InlineData("application/json", "gzip", "unsupported_content_encoding")]
    [InlineData("application/json", "br, identity", "unsupported_content_encoding")]
    public async Task Wants_uncompressed_json_in_utf8(string? contentType, string? contentEncoding, string? code)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        if (contentEncoding is not null)
        {
            context.Request.Headers.ContentEncoding = contentEncoding;
        }

        context.Request.Body = new MemoryStream(Utf8("""{"model":"m"}"""));
        var read = JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.ChatCompletionRequest, 1000, TestContext.Current.CancellationToken);
        if (code is null)
        {
            Assert.Equal("m", (await read).Model);
            return;
        }

        var error = (await Assert.ThrowsAsync<OpenAiException>(() => read)).Error;
        Assert.Equal((415, code), (error.Status, error.Code));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
