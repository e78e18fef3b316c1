namespace BedrockNovaProxy.GitOps.Planning;

/// <summary>A customer environment the deploy workflow acts on (one matrix entry).</summary>
public sealed record Target(string Customer, string Environment, string Type, string Region, string Account, string Stack)
{
    public string Folder => $"{Customer}/{Environment}";
}

/// <summary>Which customer environments a change touches: those whose customer file or renders changed, or all of
/// them when the change makes a new artifact (the proxy's code or its build). Pure.</summary>
public static class Targets
{
    /// <summary>Paths whose change builds a different artifact, so every environment's green gets it.</summary>
    private static readonly string[] ArtifactInputs =
    [
        "service/", "common/", "servicedefaults/", "Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config",
        "scripts/package-lambda.sh", "scripts/package-image.sh",
    ];

    /// <param name="changed">Files changed since the base, or null when the base is unknown (first push): everything.</param>
    public static IReadOnlyList<Target> Select(IReadOnlyList<Target> all, IReadOnlyCollection<string>? changed)
    {
        if (changed is null || changed.Any(f => ArtifactInputs.Any(p => p.EndsWith('/') ? f.StartsWith(p, StringComparison.Ordinal) : f == p)))
        {
            return all;
        }

        return [.. all.Where(t => changed.Any(f =>
            f.StartsWith($"out/{t.Folder}/", StringComparison.Ordinal) || f == $"customers/{t.Folder}.yaml" || f == $"customers/{t.Folder}.yml"))];
    }
}
