using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.AppHost;

/// <summary>The parts of a customer file (customers/&lt;name&gt;/&lt;env&gt;.yaml) the proxy itself reads, as the environment
/// variables a deployment sets. Validation of the whole file is `gitops validate`'s job; this fails clearly on what it
/// needs.</summary>
public sealed record CustomerFile(string Name, string Environment, string Region, IReadOnlyList<KeyValuePair<string, string>> Models)
{
    public const string Default = "customers/acme/staging.yaml";

    public static CustomerFile Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var customer = Map(root, "customer", path);
        var mappings = Map(Map(root, "models", path), "mappings", path);
        return new CustomerFile(
            Scalar(customer, "name", path),
            Scalar(customer, "environment", path),
            Scalar(customer, "region", path),
            [.. mappings.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ((YamlScalarNode)kv.Value).Value!))]);
    }

    /// <summary>The proxy's configuration for this customer, as environment variables (Proxy__...).</summary>
    public IEnumerable<KeyValuePair<string, string>> ProxyEnvironment()
    {
        yield return KeyValuePair.Create("Proxy__Customer", Name);
        yield return KeyValuePair.Create("Proxy__Environment", Environment);
        for (var i = 0; i < Models.Count; i++)
        {
            yield return KeyValuePair.Create($"Proxy__ModelAliases__{i}__Alias", Models[i].Key);
            yield return KeyValuePair.Create($"Proxy__ModelAliases__{i}__Model", Models[i].Value);
        }
    }

    private static YamlMappingNode Map(YamlMappingNode parent, string key, string path) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlMappingNode map
            ? map : throw new InvalidOperationException($"{path}: '{key}' must be a mapping.");

    private static string Scalar(YamlMappingNode parent, string key, string path) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value }
            ? value : throw new InvalidOperationException($"{path}: '{key}' is required.");
}
