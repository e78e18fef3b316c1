namespace BedrockNovaProxy.GitOps.Aws;

/// <summary>Where Amazon Nova runs, kept as data. Source: Amazon Bedrock user guide, "Supported Regions and models for
/// model copy" and "Supported Regions and models for batch inference" (Nova Micro, Lite and Pro rows; read 2026-12-01):
/// the Regions listed there are the ones whose Bedrock serves the Nova understanding models in-Region or through an
/// inference profile. Cross-region profiles route only to Regions of their own geography, so a profile's destinations
/// are the Regions below that share its prefix (the user guide's inference-profiles-support page names them per model).</summary>
public static class NovaRegions
{
    public static readonly IReadOnlyList<string> All =
    [
        "us-east-1", "us-east-2", "us-west-2", "us-gov-west-1",
        "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
        "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3",
    ];

    /// <summary>The Regions the seed's guide recommends, offered in hints.</summary>
    public static readonly IReadOnlyList<string> Recommended = ["us-east-1", "us-west-2", "eu-west-1"];

    public static bool Offers(string region) => All.Contains(region);

    /// <summary>The Regions a geographic profile (us., eu., apac., us-gov.) may route to: the IAM policy must allow the
    /// foundation model in each of them. Global profiles are handled apart (their foundation-model ARN has no Region).</summary>
    public static IReadOnlyList<string> Destinations(string geo) => geo switch
    {
        "us" => ["us-east-1", "us-east-2", "us-west-2"],
        "us-gov" => ["us-gov-west-1"],
        "eu" => ["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"],
        "apac" => ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"],
        _ => [],
    };

    /// <summary>aws, aws-us-gov or aws-cn: the ARN partition of a Region.</summary>
    public static string Partition(string region) =>
        region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn" : "aws";
}
