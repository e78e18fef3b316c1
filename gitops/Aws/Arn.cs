namespace BedrockNovaProxy.GitOps.Aws;

/// <summary>arn:partition:service:region:account:resource (docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public static Arn? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text.Split(':', 6);
        return parts.Length == 6 && parts[1].Length > 0 && parts[2].Length > 0 && parts[5].Length > 0
            ? new Arn(parts[1], parts[2], parts[3], parts[4], parts[5])
            : null;
    }

    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{Account}:{Resource}";
}
