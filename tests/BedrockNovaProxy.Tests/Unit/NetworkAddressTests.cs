using System.Net;
using BedrockNovaProxy.Images;

namespace BedrockNovaProxy.Tests.Unit;

public class NetworkAddressTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("52.94.236.248", true)]
    [InlineData("2600:1f18::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void Only_public_unicast_addresses_may_be_fetched_from(string address, bool isPublic) =>
        Assert.Equal(isPublic, NetworkAddresses.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Inlines_fetched_urls_in_both_part_shapes_and_leaves_the_rest()
    {
        using var content = JsonDocument.Parse("""[{"type":"text","text":"http://a/x.png"},{"type":"image_url","image_url":{"url":"http://a/x.png","detail":"low"}},{"type":"image_url","image_url":"http://a/x.png"}]""");

        var inlined = ImageUrls.Inline(content.RootElement, new Dictionary<string, string> { ["http://a/x.png"] = "data:image/png;base64,AA==" });

        Assert.Equal("""[{"type":"text","text":"http://a/x.png"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"low"}},{"type":"image_url","image_url":"data:image/png;base64,AA=="}]""", inlined.GetRawText());
    }
}
