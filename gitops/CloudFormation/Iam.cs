using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.CloudFormation;

/// <summary>Least privilege for Bedrock, checked on every IAM policy a template defines: an Allow statement may not use
/// a wildcard action, NotAction or NotResource, and a statement that allows a Bedrock action may name only exact
/// resources (no "*" anywhere in them). Pure.</summary>
public static class Iam
{
    public static IEnumerable<string> Check(CfnResource resource)
    {
        foreach (var (where, document) in PolicyDocuments(resource))
        {
            foreach (var (index, statement) in Statements(document))
            {
                if (CfnTemplate.Scalar(statement, "Effect") != "Allow")
                {
                    continue;
                }

                var at = $"{where} statement {index}";
                if (CfnTemplate.Child(statement, "NotAction") is not null || CfnTemplate.Child(statement, "NotResource") is not null)
                {
                    yield return $"{at}: an Allow with NotAction or NotResource grants everything not listed";
                }

                var actions = Strings(CfnTemplate.Child(statement, "Action")).ToList();
                foreach (var action in actions.Where(a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal)))
                {
                    yield return $"{at}: wildcard action '{action}'";
                }

                var bedrock = actions.Where(a => a.StartsWith("bedrock:", StringComparison.OrdinalIgnoreCase)).ToList();
                foreach (var action in bedrock.Where(a => a.Contains('*', StringComparison.Ordinal) && !a.EndsWith(":*", StringComparison.Ordinal)))
                {
                    yield return $"{at}: wildcard Bedrock action '{action}'";
                }

                if (bedrock.Count > 0)
                {
                    foreach (var target in Strings(CfnTemplate.Child(statement, "Resource")).Where(r => WithoutVariables(r).Contains('*', StringComparison.Ordinal)))
                    {
                        yield return $"{at}: Bedrock allowed on wildcard resource '{target}'";
                    }
                }
            }
        }
    }

    private static IEnumerable<(string Where, YamlNode Document)> PolicyDocuments(CfnResource resource)
    {
        var properties = CfnTemplate.Child(resource.Node, "Properties");
        if (properties is null)
        {
            yield break;
        }

        switch (resource.Type)
        {
            case "AWS::IAM::Role" when CfnTemplate.Child(properties, "Policies") is YamlSequenceNode policies:
                foreach (var policy in policies)
                {
                    if (CfnTemplate.Child(policy, "PolicyDocument") is { } document)
                    {
                        yield return ($"policy {CfnTemplate.Scalar(policy, "PolicyName") ?? "?"}", document);
                    }
                }

                break;
            case "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy" or "AWS::IAM::RolePolicy" when CfnTemplate.Child(properties, "PolicyDocument") is { } doc:
                yield return ("policy", doc);
                break;
        }
    }

    private static IEnumerable<(int, YamlNode)> Statements(YamlNode document) => CfnTemplate.Child(document, "Statement") switch
    {
        YamlSequenceNode list => list.Children.Select((s, i) => (i, s)),
        YamlMappingNode single => [(0, single)],
        _ => [],
    };

    /// <summary>The strings of an Action or Resource value: plain, a list, or !Sub / Fn::Sub templates (their text).</summary>
    private static IEnumerable<string> Strings(YamlNode? node) => node switch
    {
        null => [],
        YamlScalarNode { Value: { } v } => [v],
        YamlSequenceNode list when list.Tag.IsEmpty || list.Tag.IsNonSpecific => list.Children.SelectMany(Strings),
        YamlMappingNode { Children.Count: 1 } map when map.Children.Keys.Single() is YamlScalarNode { Value: "Fn::Sub" } => Strings(map.Children.Values.Single()),
        YamlSequenceNode sub when sub.Tag.Value == "!Sub" && sub.Children.Count > 0 => Strings(sub.Children[0]),
        _ => ["<computed>"],
    };

    private static string WithoutVariables(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\$\{[^}]*\}", "x");
}
