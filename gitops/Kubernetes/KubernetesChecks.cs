using BedrockNovaProxy.GitOps.Rendering;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.Kubernetes;

/// <summary>Self-checks of rendered Kubernetes manifests: each document parses, names its apiVersion, kind and
/// metadata.name, no two objects share kind and name, and every Deployment probes /health (liveness) and /ready
/// (readiness) and sets resource requests and limits. Pure.</summary>
public static class KubernetesChecks
{
    public static IReadOnlyList<(string Kind, string Name, YamlMappingNode Node)> Check(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new RenderException($"k8s/manifests.yaml:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }

        var objects = new List<(string, string, YamlMappingNode)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root
                || Scalar(root, "apiVersion") is null || Scalar(root, "kind") is not { } kind
                || (root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata) ? Scalar(metadata, "name") : null) is not { } name)
            {
                throw new RenderException($"k8s/manifests.yaml:{document.RootNode.Start.Line}: every object needs apiVersion, kind and metadata.name");
            }

            if (!seen.Add($"{kind}/{name}"))
            {
                throw new RenderException($"k8s/manifests.yaml: two objects are {kind}/{name}");
            }

            if (kind == "Deployment")
            {
                var containers = Path(root, "spec", "template", "spec", "containers") as YamlSequenceNode;
                foreach (var container in containers?.Children ?? [])
                {
                    if (Scalar(Path(container, "livenessProbe", "httpGet"), "path") != "/health" || Scalar(Path(container, "readinessProbe", "httpGet"), "path") != "/ready")
                    {
                        throw new RenderException($"k8s/manifests.yaml: Deployment {name} must probe /health for liveness and /ready for readiness");
                    }

                    if (Path(container, "resources", "requests") is null || Path(container, "resources", "limits") is null)
                    {
                        throw new RenderException($"k8s/manifests.yaml: Deployment {name} must set resource requests and limits");
                    }
                }

                if (containers is not { Children.Count: > 0 })
                {
                    throw new RenderException($"k8s/manifests.yaml: Deployment {name} has no container");
                }
            }

            objects.Add((kind, name, root));
        }

        return objects;
    }

    public static YamlNode? Path(YamlNode? node, params string[] keys)
    {
        foreach (var key in keys)
        {
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    private static string? Scalar(YamlNode? node, string key) => Path(node, key) is YamlScalarNode s ? s.Value : null;
}
