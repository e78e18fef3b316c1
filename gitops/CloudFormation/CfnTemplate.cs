using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.CloudFormation;

public sealed record CfnParameter(string Name, string Type, string? Default);

/// <param name="Source">A canonical text of the resource (tags and values, key order kept), for content hashes and diffs.</param>
public sealed record CfnResource(string LogicalId, string Type, string? Condition, IReadOnlyList<string> DependsOn, YamlMappingNode Node, string Source);

/// <summary>A CloudFormation template in YAML, read with its short-form intrinsic tags (!Ref, !Sub, !GetAtt...).</summary>
public sealed class CfnTemplate
{
    /// <summary>The short-form tags CloudFormation accepts (docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html).</summary>
    public static readonly IReadOnlySet<string> ShortForms = new HashSet<string>(StringComparer.Ordinal)
    {
        "!Ref", "!Sub", "!GetAtt", "!If", "!Equals", "!Not", "!And", "!Or", "!Condition", "!Join", "!Select", "!Split",
        "!FindInMap", "!GetAZs", "!ImportValue", "!Base64", "!Cidr", "!Transform", "!Length", "!ToJsonString",
    };

    private CfnTemplate(string file, YamlMappingNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }
    public YamlMappingNode Root { get; }
    public IReadOnlyList<CfnParameter> Parameters { get; private init; } = [];
    public IReadOnlyList<string> Conditions { get; private init; } = [];
    public IReadOnlyList<CfnResource> Resources { get; private init; } = [];
    public YamlMappingNode? Outputs { get; private init; }

    /// <summary>Parses the template; a YAML error, an unknown tag or a malformed section is a <see cref="CfnException"/>.</summary>
    public static CfnTemplate Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CfnException($"{file}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CfnException($"{file}: a template is one YAML mapping");
        }

        foreach (var node in root.AllNodes)
        {
            if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && !ShortForms.Contains(node.Tag.Value))
            {
                throw new CfnException($"{file}:{node.Start.Line}:{node.Start.Column}: unknown tag {node.Tag.Value}");
            }
        }

        var resources = Section(root, "Resources", file) ?? throw new CfnException($"{file}: a template needs Resources");
        return new CfnTemplate(file, root)
        {
            Parameters = [.. (Section(root, "Parameters", file)?.Children.AsEnumerable() ?? []).Select(p => new CfnParameter(Key(p.Key),
                Scalar(p.Value, "Type") ?? "", Scalar(p.Value, "Default")))],
            Conditions = [.. (Section(root, "Conditions", file)?.Children.AsEnumerable() ?? []).Select(c => Key(c.Key))],
            Resources = [.. resources.Children.Select(r => Resource(r.Key, r.Value, file))],
            Outputs = Section(root, "Outputs", file),
        };
    }

    private static CfnResource Resource(YamlNode key, YamlNode value, string file)
    {
        var id = Key(key);
        if (value is not YamlMappingNode map || Scalar(map, "Type") is not { } type)
        {
            throw new CfnException($"{file}:{key.Start.Line}:{key.Start.Column}: resource {id} needs a Type");
        }

        var dependsOn = Child(map, "DependsOn") switch
        {
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList(),
            _ => new List<string>(),
        };
        return new CfnResource(id, type, Scalar(map, "Condition"), dependsOn, map, Canonical(map));
    }

    public static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Scalar(YamlNode node, string key) => Child(node, key) is YamlScalarNode { Tag.IsEmpty: true } s ? s.Value : null;

    private static YamlMappingNode? Section(YamlMappingNode root, string name, string file) => Child(root, name) switch
    {
        null => null,
        YamlMappingNode map => map,
        var other => throw new CfnException($"{file}:{other.Start.Line}:{other.Start.Column}: {name} must be a mapping"),
    };

    private static string Key(YamlNode node) => node is YamlScalarNode { Value: { } v } ? v : throw new CfnException($"non-scalar key at {node.Start}");

    /// <summary>One line per scalar: path, tag, value. Stable across formatting, so hashes and diffs see content only.</summary>
    public static string Canonical(YamlNode node)
    {
        var text = new StringBuilder();
        Write(node, "", text);
        return text.ToString();

        static void Write(YamlNode node, string path, StringBuilder text)
        {
            var tag = node.Tag.IsEmpty || node.Tag.IsNonSpecific ? "" : node.Tag.Value + " ";
            switch (node)
            {
                case YamlMappingNode map:
                    if (map.Children.Count == 0 || tag.Length > 0)
                    {
                        text.Append(path).Append(" = ").Append(tag).Append("{}\n");
                    }

                    foreach (var (k, v) in map.Children)
                    {
                        Write(v, $"{path}.{((YamlScalarNode)k).Value}", text);
                    }

                    break;
                case YamlSequenceNode seq:
                    if (seq.Children.Count == 0 || tag.Length > 0)
                    {
                        text.Append(path).Append(" = ").Append(tag).Append("[]\n");
                    }

                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        Write(seq.Children[i], $"{path}[{i}]", text);
                    }

                    break;
                case YamlScalarNode scalar:
                    text.Append(path).Append(" = ").Append(tag).Append(scalar.Value).Append('\n');
                    break;
            }
        }
    }
}

public sealed class CfnException(string message) : Exception(message);
