using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>http(s) image URLs, fetched only from allowed hosts, only from public addresses unless a test says
/// otherwise, within size limits, without following redirects.</summary>
public class ImageFetchTests : EndToEndTest
{
    /// <summary>The proxy under Kestrel, fetching images from 127.0.0.1 (where the tests' image servers listen).</summary>
    internal static Task<LocalSystem> LoopbackImagesAllowedAsync() => LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?>
    {
        ["Proxy:ImageFetch:AllowedHosts:0"] = "127.0.0.1",
        ["Proxy:ImageFetch:MaxBytes"] = "1048576",
        ["Proxy:ImageFetch:AllowPrivateNetworks"] = "true", // the image server is on loopback
    });

    private static async Task<WebApplication> ImageServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        var app = builder.Build();
        app.MapGet("/cat.png", () => Results.Bytes(Samples.Png, "image/png"));
        app.MapGet("/huge.png", () => Results.Bytes(new byte[2 * 1024 * 1024], "image/png"));
        app.MapGet("/large.png", () => Results.Bytes(new byte[100_000], "image/png"));
        app.MapGet("/page.html", () => Results.Text("<html/>", "text/html"));
        app.MapGet("/moved.png", () => Results.Redirect("/cat.png"));
        await app.StartAsync();
        return app;
    }

    /// <summary>Where <see cref="Body"/> puts the image: every refusal names it.</summary>
    private const string ImageParam = "messages[0].content[1].image_url";

    private static string Body(string url) =>
        """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"URL"}}]}]}"""
            .Replace("URL", url, StringComparison.Ordinal);

    [Fact]
    public async Task Fetches_allowed_images_and_refuses_the_rest_with_clear_errors()
    {
        await using var images = await ImageServerAsync();
        var origin = images.Urls.First();
        await using var system = await LoopbackImagesAllowedAsync();
        async Task<HttpResponseMessage> Ask(string url) => await system.Http.PostAsync("v1/chat/completions", JsonText(Body(url)), Ct);

        using var fetched = await Ask($"{origin}/cat.png");
        Assert.Contains($"I see 1 image: png ({Samples.Png.Length} bytes).", await fetched.Content.ReadAsStringAsync(Ct));
        // The Responses API's input_image goes through the same fetch policy.
        using var viaResponses = await system.Http.PostAsync("v1/responses", JsonText(
            $$"""{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text","text":"what is it"},{"type":"input_image","image_url":"{{origin}}/cat.png"}]}]}"""), Ct);
        Assert.Contains($"I see 1 image: png ({Samples.Png.Length} bytes).", await viaResponses.Content.ReadAsStringAsync(Ct));
        using var refusedViaResponses = await system.Http.PostAsync("v1/responses", JsonText(
            $$"""{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","image_url":"{{origin}}/huge.png"}]}]}"""), Ct);
        await ErrorTests.AssertError(refusedViaResponses, 400, "invalid_request_error", "input[0].content[0].image_url", "image_too_large");
        await ErrorTests.AssertError(await Ask($"{origin}/huge.png"), 400, "invalid_request_error", ImageParam, "image_too_large");
        // Under the fetch budget but over the per-image limit (64 KiB in the suite): fetched images obey it as inline ones do.
        var large = await ErrorTests.AssertError(await Ask($"{origin}/large.png"), 400, "invalid_request_error", ImageParam, "image_too_large");
        Assert.Contains("100,000 bytes, over the limit of 65,536 bytes", large.GetProperty("message").GetString(), StringComparison.Ordinal);
        await ErrorTests.AssertError(await Ask($"{origin}/page.html"), 400, "invalid_request_error", ImageParam, "invalid_image_url");
        await ErrorTests.AssertError(await Ask($"{origin}/moved.png"), 400, "invalid_request_error", ImageParam, "invalid_image_url");
        await ErrorTests.AssertError(await Ask(origin.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/cat.png"), 400, "invalid_request_error", ImageParam, "image_url_not_allowed");
    }

    [Fact]
    public async Task Never_fetches_from_private_or_loopback_addresses_by_default()
    {
        await using var images = await ImageServerAsync();
        await using var system = await LocalSystem.StartAsync(Hosting.Kestrel, new Dictionary<string, string?>
        {
            ["Proxy:ImageFetch:AllowedHosts:0"] = "127.0.0.1",
            ["Proxy:ImageFetch:AllowedHosts:1"] = "169.254.169.254",
        });

        using var loopback = await system.Http.PostAsync("v1/chat/completions", JsonText(Body($"{images.Urls.First()}/cat.png")), Ct);
        using var metadata = await system.Http.PostAsync("v1/chat/completions", JsonText(Body("http://169.254.169.254/latest/meta-data/iam.png")), Ct);

        var error = await ErrorTests.AssertError(loopback, 400, "invalid_request_error", ImageParam, "invalid_image_url");
        Assert.Contains("private, loopback or link-local", error.GetProperty("message").GetString());
        await ErrorTests.AssertError(metadata, 400, "invalid_request_error", ImageParam, "invalid_image_url");
    }
}
