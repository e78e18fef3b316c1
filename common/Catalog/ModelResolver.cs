namespace BedrockNovaProxy.Catalog;

/// <param name="RequestedName">The name the client used; answers carry it back, as OpenAI does.</param>
/// <param name="BedrockModelId">What goes into the Bedrock path: a model id, inference profile id or ARN.</param>
public sealed record ResolvedModel(string RequestedName, string BedrockModelId, ModelSpec Spec);

/// <summary>Turns the "model" a client sends into the Bedrock model id to call: a configured alias, a Nova model id,
/// a cross-region inference profile id (us.amazon.nova-pro-v1:0) or a Bedrock ARN. Pure: no I/O.</summary>
public sealed class ModelResolver
{
    private readonly Dictionary<string, ResolvedModel> _aliases = new(StringComparer.Ordinal);
    private readonly string _region;
    private readonly HashSet<string>? _allowed;

    private ModelResolver(ModelResolver all, IEnumerable<string> allowed)
    {
        _aliases = all._aliases;
        _region = all._region;
        _allowed = new HashSet<string>(allowed, StringComparer.Ordinal);
    }

    /// <summary>The same resolver, limited to the names an API key may use; other names resolve to nothing.</summary>
    public ModelResolver Restrict(IReadOnlyCollection<string> allowed) => allowed.Count == 0 ? this : new ModelResolver(this, allowed);

    /// <summary>The Region Bedrock is called in.</summary>
    public string Region => _region;

    public bool Allows(string name) => _allowed is null || _allowed.Contains(name);

    public ModelResolver(IEnumerable<ModelAliasOptions> aliases, string region)
    {
        _region = region;
        foreach (var alias in aliases)
        {
            var target = ResolveTarget(alias.Model, region, out var error)
                ?? throw new ArgumentException($"Model alias '{alias.Alias}': {error}");
            _aliases[alias.Alias] = target with { RequestedName = alias.Alias };
        }
    }

    public IReadOnlyCollection<ResolvedModel> Aliases => [.. _aliases.Values.Where(a => Allows(a.RequestedName))];

    public ResolvedModel? Resolve(string name) =>
        !Allows(name) ? null : _aliases.TryGetValue(name, out var alias) ? alias : ResolveTarget(name, _region, out _);

    /// <summary>Resolves a model id, profile id or ARN; null with <paramref name="error"/> when it is not one.</summary>
    public static ResolvedModel? ResolveTarget(string target, string region, out string error)
    {
        error = "";
        var (spec, explicitId) = Parse(target);
        if (spec is null)
        {
            error = $"'{target}' is not a known Nova model id, inference profile id or Bedrock model ARN.";
            return null;
        }

        if (explicitId is not null)
        {
            return new ResolvedModel(target, explicitId, spec);
        }

        if (spec.OnDemandInRegion)
        {
            return new ResolvedModel(target, spec.Id, spec);
        }

        // Bedrock refuses on-demand calls with the bare id of this model: use the Region's inference profile.
        var geo = ModelCatalog.GeoOf(region);
        var prefix = geo is not null && spec.GeoProfiles.Contains(geo) ? geo
            : spec.GeoProfiles.Contains("global") ? "global"
            : null;
        if (prefix is null)
        {
            error = $"{spec.Id} can only be invoked through an inference profile, and none exists for Region {region} " +
                $"(profiles: {string.Join(", ", spec.GeoProfiles.Select(p => p + "."))}).";
            return null;
        }

        return new ResolvedModel(target, $"{prefix}.{spec.Id}", spec);
    }

    /// <summary>(spec, id to send as-is) for profile ids and ARNs; (spec, null) for a bare model id.</summary>
    public static (ModelSpec? Spec, string? ExplicitId) Parse(string target)
    {
        if (ModelCatalog.Find(target) is { } bare)
        {
            return (bare, null);
        }

        if (target.StartsWith("arn:", StringComparison.Ordinal))
        {
            // arn:{partition}:bedrock:{region}:{account}:{foundation-model|inference-profile}/{id}
            var parts = target.Split(':', 6);
            if (parts.Length == 6 && parts[2] == "bedrock" && parts[5].Split('/', 2) is [var kind, var resource]
                && (kind is "foundation-model" or "inference-profile"))
            {
                var (spec, _) = Parse(resource);
                return (spec, spec is null ? null : target);
            }

            return (null, null);
        }

        var dot = target.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && ModelCatalog.ProfilePrefixes.Contains(target[..dot])
            && ModelCatalog.Find(target[(dot + 1)..]) is { } profiled && profiled.Kind == ModelKind.Chat)
        {
            return (profiled, target);
        }

        return (null, null);
    }
}
