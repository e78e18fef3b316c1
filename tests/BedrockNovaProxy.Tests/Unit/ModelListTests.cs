using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Functions;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>GET /v1/models' Nova part: what the Region offers on a date, Nova 2 Lite first.</summary>
public class ModelListTests
{
    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "us-east-1", "2026-08-01", ["amazon.nova-2-lite-v1:0", "amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-premier-v1:0", "amazon.nova-2-multimodal-embeddings-v1:0", "amazon.titan-embed-text-v2:0"] },
        // Past Nova Premier's end of life.
        { "us-east-1", "2026-09-14", ["amazon.nova-2-lite-v1:0", "amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-2-multimodal-embeddings-v1:0", "amazon.titan-embed-text-v2:0"] },
        // Nova Premier has only a us. profile; Nova 2 Lite has the global. one.
        { "eu-west-1", "2026-08-01", ["amazon.nova-2-lite-v1:0", "amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-2-multimodal-embeddings-v1:0", "amazon.titan-embed-text-v2:0"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lists_what_the_region_offers_led_by_nova_2_lite(string region, string today, string[] expected)
    {
        var models = new ModelResolver([new ModelAliasOptions { Alias = "gpt-4o", Model = "amazon.nova-pro-v1:0" }], region);
        var list = Models.List(models, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["gpt-4o", .. expected], list.Select(m => m.Id));
    }
}
