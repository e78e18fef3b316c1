using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.CloudFormation;

/// <summary>What the renderer proves of every stack before writing it: every Ref, GetAtt, Sub variable and DependsOn
/// names something that exists; every condition used is defined and every one defined is used; no parameter is
/// unused; and no IAM statement allows Bedrock with a wildcard action or resource. Pure.</summary>
public static partial class StackChecks
{
    /// <summary>docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html</summary>
    private static readonly HashSet<string> Pseudo = new(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
        "AWS::StackName", "AWS::URLSuffix",
    };

    public static IReadOnlyList<string> Check(CfnTemplate template)
    {
        var problems = new List<string>();
        var parameters = template.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var resources = template.Resources.ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var conditions = template.Conditions.ToHashSet(StringComparer.Ordinal);
        var usedParameters = new HashSet<string>(StringComparer.Ordinal);
        var usedConditions = new HashSet<string>(StringComparer.Ordinal);

        void Target(string where, string function, string name, bool resourceOnly = false)
        {
            if (!resourceOnly && (parameters.Contains(name) || Pseudo.Contains(name)))
            {
                usedParameters.Add(name);
                return;
            }

            if (!resources.ContainsKey(name))
            {
                problems.Add($"{where}: {function} names '{name}', which is no {(resourceOnly ? "resource" : "parameter or resource")} of this template");
            }
        }

        void Condition(string where, string name)
        {
            usedConditions.Add(name);
            if (!conditions.Contains(name))
            {
                problems.Add($"{where}: condition '{name}' is not defined in Conditions");
            }
        }

        void Walk(string where, YamlNode node)
        {
            foreach (var (function, argument) in Intrinsics(node))
            {
                switch (function)
                {
                    case "Ref" when argument is YamlScalarNode { Value: { } name }:
                        Target(where, "Ref", name);
                        break;
                    case "Fn::GetAtt":
                        var resource = argument switch
                        {
                            YamlScalarNode { Value: { } dotted } => dotted.Split('.', 2)[0],
                            YamlSequenceNode { Children: [YamlScalarNode { Value: { } first }, ..] } => first,
                            _ => null,
                        };
                        if (resource is null)
                        {
                            problems.Add($"{where}: Fn::GetAtt needs Resource.Attribute");
                        }
                        else
                        {
                            Target(where, "Fn::GetAtt", resource, resourceOnly: true);
                        }

                        break;
                    case "Fn::Sub":
                        var (text, variables) = argument switch
                        {
                            YamlScalarNode s => (s.Value ?? "", (YamlMappingNode?)null),
                            YamlSequenceNode { Children: [YamlScalarNode s, YamlMappingNode vars] } => (s.Value ?? "", vars),
                            _ => ("", null),
                        };
                        var local = variables?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).ToHashSet() ?? [];
                        foreach (Match m in SubVariable().Matches(text))
                        {
                            var name = m.Groups[1].Value;
                            if (local.Contains(name))
                            {
                                continue;
                            }

                            // ${Resource.Attribute} is a GetAtt; ${AWS::Region} and ${Param} are Refs.
                            var dot = name.IndexOf('.', StringComparison.Ordinal);
                            if (dot > 0 && !name.StartsWith("AWS::", StringComparison.Ordinal))
                            {
                                Target(where, "Fn::Sub", name[..dot], resourceOnly: true);
                            }
                            else
                            {
                                Target(where, "Fn::Sub", name);
                            }
                        }

                        break;
                    case "Fn::If" when argument is YamlSequenceNode { Children: [YamlScalarNode { Value: { } name }, ..] }:
                        Condition(where, name);
                        break;
                    case "Condition" when argument is YamlScalarNode { Value: { } name }:
                        Condition(where, name);
                        break;
                }
            }
        }

        foreach (var node in Children(template.Root, "Parameters"))
        {
            Walk("Parameters", node);
        }

        if (CfnTemplate.Child(template.Root, "Conditions") is YamlMappingNode conditionSection)
        {
            foreach (var (key, value) in conditionSection.Children)
            {
                Walk($"Conditions.{key}", value);
            }
        }

        foreach (var resource in template.Resources)
        {
            var where = $"Resources.{resource.LogicalId}";
            if (resource.Condition is { } condition)
            {
                Condition(where, condition);
            }

            foreach (var dependency in resource.DependsOn)
            {
                if (!resources.ContainsKey(dependency))
                {
                    problems.Add($"{where}: DependsOn names '{dependency}', which is no resource of this template");
                }
            }

            foreach (var (key, value) in resource.Node.Children)
            {
                if (key is YamlScalarNode { Value: not ("Type" or "Condition" or "DependsOn") })
                {
                    Walk(where, value);
                }
            }

            problems.AddRange(Iam.Check(resource).Select(p => $"{where}: {p}"));
        }

        if (template.Outputs is { } outputs)
        {
            foreach (var (key, value) in outputs.Children)
            {
                if (CfnTemplate.Scalar(value, "Condition") is { } condition)
                {
                    Condition($"Outputs.{key}", condition);
                }

                foreach (var (k, v) in ((YamlMappingNode)value).Children)
                {
                    if (k is YamlScalarNode { Value: not "Condition" })
                    {
                        Walk($"Outputs.{key}", v);
                    }
                }
            }
        }

        problems.AddRange(parameters.Where(p => !usedParameters.Contains(p)).Order(StringComparer.Ordinal)
            .Select(p => $"Parameters.{p}: the parameter is never used"));
        problems.AddRange(conditions.Where(c => !usedConditions.Contains(c)).Order(StringComparer.Ordinal)
            .Select(c => $"Conditions.{c}: the condition is never used"));
        return problems;
    }

    /// <summary>Every intrinsic function call under a node, short form (!Ref x) or long form ({Ref: x}).</summary>
    public static IEnumerable<(string Function, YamlNode Argument)> Intrinsics(YamlNode node)
    {
        foreach (var n in node.AllNodes)
        {
            if (!n.Tag.IsEmpty && !n.Tag.IsNonSpecific)
            {
                var name = n.Tag.Value[1..];
                yield return (name is "Ref" or "Condition" ? name : "Fn::" + name, n);
            }
            else if (n is YamlMappingNode { Children.Count: 1 } map && map.Children.Keys.Single() is YamlScalarNode { Value: { } key }
                     && (key is "Ref" or "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal)))
            {
                yield return (key, map.Children.Values.Single());
            }
        }
    }

    private static IEnumerable<YamlNode> Children(YamlMappingNode root, string section) =>
        CfnTemplate.Child(root, section) is YamlMappingNode map ? map.Children.Values : [];

    // ${Name} or ${Name.Attr}; ${!Literal} is an escaped literal.
    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9_.:]+)\}")]
    private static partial Regex SubVariable();
}
