namespace BedrockNovaProxy.Functions;

/// <summary>One endpoint, Azure-Functions style: a small class that owns one route and gets its dependencies
/// from DI. Cross-cutting work (request ids, errors, auth, limits, metrics) is middleware, not here.</summary>
public interface IFunction
{
    Task InvokeAsync(HttpContext context);
}

public static class FunctionRouting
{
    public static IEndpointConventionBuilder MapFunction<TFunction>(this IEndpointRouteBuilder routes, string method, string pattern)
        where TFunction : class, IFunction =>
        routes.MapMethods(pattern, [method], context => context.RequestServices.GetRequiredService<TFunction>().InvokeAsync(context));
}
