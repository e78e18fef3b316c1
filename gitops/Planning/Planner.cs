using System.Text;
using BedrockNovaProxy.GitOps.CloudFormation;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.Planning;

public enum ChangeKind
{
    Add,
    Remove,
    Change,
}

/// <summary>One resource (CloudFormation) or object (Kubernetes) that a render adds, removes or changes.</summary>
/// <param name="Paths">For a change: the properties that differ (Properties.MemorySize ...).</param>
public sealed record ItemChange(string File, ChangeKind Kind, string Name, string Type, IReadOnlyList<string> Paths);

/// <summary>What changes in one customer environment between two sets of rendered files.</summary>
public sealed record EnvironmentPlan(string Folder, bool IsNew, bool IsRemoved, IReadOnlyList<ItemChange> Items, IReadOnlyList<string> ChangedFiles)
{
    public bool HasChanges => IsNew || IsRemoved || Items.Count > 0 || ChangedFiles.Count > 0;
}

/// <summary>Compares renders (out/&lt;customer&gt;/&lt;environment&gt;/ files) of two revisions, resource by resource.
/// Pure: file texts in, a plan out; <see cref="Markdown"/> writes it for a pull-request comment.</summary>
public static class Planner
{
    public const string CommentMarker = "<!-- gitops-plan -->";

    /// <param name="before">Folder -> (file -> text) at the base revision.</param>
    /// <param name="after">The same for the change.</param>
    public static IReadOnlyList<EnvironmentPlan> Compare(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> after)
    {
        var plans = new List<EnvironmentPlan>();
        foreach (var folder in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(folder) ?? new Dictionary<string, string>();
            var now = after.GetValueOrDefault(folder) ?? new Dictionary<string, string>();
            var items = new List<ItemChange>();
            var changedFiles = new List<string>();
            foreach (var file in old.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var a = old.GetValueOrDefault(file);
                var b = now.GetValueOrDefault(file);
                if (a == b)
                {
                    continue;
                }

                changedFiles.Add(file);
                items.AddRange(file.EndsWith("manifests.yaml", StringComparison.Ordinal) ? Objects(file, a, b)
                    : file.EndsWith(".yaml", StringComparison.Ordinal) ? Resources(file, a, b)
                    : []);
            }

            plans.Add(new EnvironmentPlan(folder, old.Count == 0, now.Count == 0, items, changedFiles));
        }

        return plans;
    }

    private static IEnumerable<ItemChange> Resources(string file, string? before, string? after)
    {
        var a = before is null ? [] : CfnTemplate.Parse(before, file).Resources.ToDictionary(r => r.LogicalId, r => (r.Type, r.Source));
        var b = after is null ? [] : CfnTemplate.Parse(after, file).Resources.ToDictionary(r => r.LogicalId, r => (r.Type, r.Source));
        return Diff(file, a, b);
    }

    private static IEnumerable<ItemChange> Objects(string file, string? before, string? after) =>
        Diff(file, KubernetesObjects(before), KubernetesObjects(after));

    private static Dictionary<string, (string Type, string Source)> KubernetesObjects(string? text)
    {
        var objects = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (text is null)
        {
            return objects;
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        foreach (var document in stream.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            var kind = ((YamlScalarNode)root.Children[new YamlScalarNode("kind")]).Value ?? "";
            var name = ((YamlScalarNode)((YamlMappingNode)root.Children[new YamlScalarNode("metadata")]).Children[new YamlScalarNode("name")]).Value ?? "";
            objects[$"{kind}/{name}"] = (kind, CfnTemplate.Canonical(root));
        }

        return objects;
    }

    private static IEnumerable<ItemChange> Diff(string file, Dictionary<string, (string Type, string Source)> a, Dictionary<string, (string Type, string Source)> b)
    {
        foreach (var name in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            var inA = a.TryGetValue(name, out var x);
            var inB = b.TryGetValue(name, out var y);
            if (!inA)
            {
                yield return new ItemChange(file, ChangeKind.Add, name, y.Type, []);
            }
            else if (!inB)
            {
                yield return new ItemChange(file, ChangeKind.Remove, name, x.Type, []);
            }
            else if (x.Source != y.Source)
            {
                yield return new ItemChange(file, ChangeKind.Change, name, y.Type, ChangedPaths(x.Source, y.Source));
            }
        }
    }

    /// <summary>The properties whose canonical lines differ, cut to two levels (Properties.Environment).</summary>
    private static IReadOnlyList<string> ChangedPaths(string a, string b)
    {
        static Dictionary<string, string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(" = ", 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => string.Join("\n", g.Select(p => p.Length > 1 ? p[1] : "")));
        var x = Lines(a);
        var y = Lines(b);
        return [.. x.Keys.Union(y.Keys)
            .Where(k => x.GetValueOrDefault(k) != y.GetValueOrDefault(k))
            .Select(k => string.Join('.', k.TrimStart('.').Split('.').Take(2)).Split('[')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    public static string Markdown(IReadOnlyList<EnvironmentPlan> plans, string baseName, string headName)
    {
        var text = new StringBuilder();
        text.AppendLine(CommentMarker);
        text.AppendLine($"### gitops plan: `{baseName}` → `{headName}`");
        text.AppendLine();
        var changed = plans.Where(p => p.HasChanges).ToList();
        if (changed.Count == 0)
        {
            text.AppendLine($"No rendered change in {plans.Count} customer environment(s).");
            return text.ToString();
        }

        text.AppendLine("| Environment | Add | Remove | Change | Files |");
        text.AppendLine("|---|---:|---:|---:|---|");
        foreach (var plan in changed)
        {
            var state = plan.IsNew ? " (new)" : plan.IsRemoved ? " (removed)" : "";
            text.AppendLine($"| `{plan.Folder}`{state} | {Count(plan, ChangeKind.Add)} | {Count(plan, ChangeKind.Remove)} | {Count(plan, ChangeKind.Change)} | {string.Join(", ", plan.ChangedFiles)} |");
        }

        text.AppendLine();
        foreach (var plan in changed)
        {
            text.AppendLine($"<details><summary><code>{plan.Folder}</code>: {Count(plan, ChangeKind.Add)} to add, {Count(plan, ChangeKind.Remove)} to remove, {Count(plan, ChangeKind.Change)} to change</summary>");
            text.AppendLine();
            if (plan.IsRemoved)
            {
                text.AppendLine("The customer file is gone. The deployed stack stays until someone deletes it: `aws cloudformation delete-stack`.");
                text.AppendLine();
            }

            foreach (var group in plan.Items.GroupBy(i => i.File))
            {
                text.AppendLine($"**{group.Key}**");
                text.AppendLine();
                foreach (var item in group)
                {
                    var sign = item.Kind switch { ChangeKind.Add => "+ add", ChangeKind.Remove => "- remove", _ => "~ change" };
                    text.AppendLine($"- {sign} `{item.Name}` ({item.Type}){(item.Paths.Count > 0 ? ": " + string.Join(", ", item.Paths.Select(p => $"`{p}`")) : "")}");
                }

                text.AppendLine();
            }

            foreach (var file in plan.ChangedFiles.Where(f => plan.Items.All(i => i.File != f)))
            {
                text.AppendLine($"**{file}** changed.");
                text.AppendLine();
            }

            text.AppendLine("</details>");
            text.AppendLine();
        }

        text.AppendLine("Lambda versions and API deployments get new logical ids whenever what they hold changes: an add and a remove of those is expected.");
        return text.ToString();
    }

    private static int Count(EnvironmentPlan plan, ChangeKind kind) => plan.Items.Count(i => i.Kind == kind);
}
