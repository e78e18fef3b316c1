using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Common.Tests;

/// <summary>Which Bedrock id an alias becomes in each Region: the model itself where Bedrock serves it on demand, else
/// the Region's geographic inference profile, else the global one; never a profile the Region cannot call.</summary>
public class ModelResolverTests
{
    [Theory]
    [InlineData("amazon.nova-pro-v1:0", "us-east-1", "amazon.nova-pro-v1:0")]
    [InlineData("amazon.nova-pro-v1:0", "eu-west-1", "amazon.nova-pro-v1:0")]
    [InlineData("amazon.nova-pro-v1:0", "us-gov-west-1", "amazon.nova-pro-v1:0")]
    [InlineData("amazon.nova-2-lite-v1:0", "us-west-2", "us.amazon.nova-2-lite-v1:0")]
    [InlineData("amazon.nova-2-lite-v1:0", "eu-west-1", "global.amazon.nova-2-lite-v1:0")]
    [InlineData("amazon.nova-2-lite-v1:0", "ap-northeast-1", "global.amazon.nova-2-lite-v1:0")]
    [InlineData("amazon.nova-premier-v1:0", "us-east-2", "us.amazon.nova-premier-v1:0")]
    [InlineData("eu.amazon.nova-lite-v1:0", "eu-central-1", "eu.amazon.nova-lite-v1:0")]
    [InlineData("apac.amazon.nova-micro-v1:0", "ap-southeast-2", "apac.amazon.nova-micro-v1:0")]
    [InlineData("global.amazon.nova-2-lite-v1:0", "us-east-1", "global.amazon.nova-2-lite-v1:0")]
    [InlineData("arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0", "eu-west-1", "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0")]
    public void Resolves_each_target_to_what_the_region_can_call(string target, string region, string bedrockId)
    {
        var resolved = ModelResolver.ResolveTarget(target, region, out var error);
        Assert.True(resolved is not null, error);
        Assert.Equal(bedrockId, resolved.BedrockModelId);
    }

    [Theory]
    [InlineData("amazon.nova-premier-v1:0", "eu-west-1", "amazon.nova-premier-v1:0 can only be invoked through an inference profile, and none exists for Region eu-west-1 (profiles: us.).")]
    [InlineData("amazon.nova-ultra-v1:0", "us-east-1", "'amazon.nova-ultra-v1:0' is not a known Nova model id, inference profile id or Bedrock model ARN.")]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", "'anthropic.claude-3-haiku-20240307-v1:0' is not a known Nova model id, inference profile id or Bedrock model ARN.")]
    public void Refuses_what_no_region_profile_serves(string target, string region, string message)
    {
        Assert.Null(ModelResolver.ResolveTarget(target, region, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void A_key_restricted_to_some_models_resolves_and_lists_only_those()
    {
        var all = new ModelResolver([new ModelAliasOptions { Alias = "gpt-4o", Model = "amazon.nova-pro-v1:0" }, new ModelAliasOptions { Alias = "cheap", Model = "amazon.nova-micro-v1:0" }], "us-east-1");
        var restricted = all.Restrict(["cheap"]);
        Assert.Equal(["cheap"], restricted.Aliases.Select(a => a.RequestedName));
        Assert.Null(restricted.Resolve("gpt-4o"));
        Assert.Null(restricted.Resolve("amazon.nova-pro-v1:0"));
        Assert.Equal("amazon.nova-micro-v1:0", restricted.Resolve("cheap")!.BedrockModelId);
        Assert.Equal(2, all.Aliases.Count);
    }
}
