using System.Text.Json.Serialization.Metadata;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;

namespace BedrockNovaProxy.Functions;

/// <summary>GET /v1/models and GET /v1/models/{id}: the customer's aliases, then the Nova models themselves that
/// the Region offers, Nova 2 Lite first (models past their end of life are left out).</summary>
public sealed class Models(ProxyConfiguration configuration, TimeProvider time) : IFunction
{
    public const string AliasOwner = "bedrock-nova-proxy";

    public Task InvokeAsync(HttpContext context)
    {
        var models = Pipeline.RequestFeatures.Models(context, configuration);
        var list = List(models, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (context.Request.RouteValues.TryGetValue("id", out var raw) && raw is string id)
        {
            var model = (list.Find(m => m.Id == id) ?? ModelById(models, id)) ?? throw new OpenAiException(OpenAiError.ModelNotFound(id));
            return Write(context, model, OpenAiJsonContext.Wire.ModelInfo);
        }

        return Write(context, new ModelList { Data = list }, OpenAiJsonContext.Wire.ModelList);
    }

    public static List<ModelInfo> List(ModelResolver models, DateOnly today) =>
    [
        .. models.Aliases.Select(a => Info(a.RequestedName, a.Spec, AliasOwner)),
        .. Offered(models, today).Select(m => Info(m.Id, m, "amazon")),
    ];

    /// <summary>The Nova models the Region offers (directly or through an inference profile) and the key may use, led by
    /// the current chat models, newest first (Nova 2 Lite), then legacy ones, then the embedding models.</summary>
    public static IEnumerable<ModelSpec> Offered(ModelResolver models, DateOnly today) => ModelCatalog.All
        .Where(m => !m.IsEndOfLife(today) && models.Allows(m.Id) && ModelResolver.ResolveTarget(m.Id, models.Region, out _) is not null)
        .OrderBy(m => m.Kind)
        .ThenBy(m => m.StatusOn(today))
        .ThenByDescending(m => m.Released);

    /// <summary>Any id the proxy would accept in a request (profile ids, ARNs) can also be looked up.</summary>
    private static ModelInfo? ModelById(ModelResolver models, string id) =>
        models.Resolve(id) is { } resolved ? Info(id, resolved.Spec, "amazon") : null;

    private static ModelInfo Info(string id, ModelSpec spec, string owner) => new()
    {
        Id = id,
        Created = new DateTimeOffset(spec.Released.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(),
        OwnedBy = owner,
    };

    private static Task Write<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo) =>
        JsonAnswer.WriteAsync(context.Response, value, typeInfo, context.RequestAborted);
}
