using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Functions;

/// <summary>GET and DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel, GET /v1/responses/{id}/input_items:
/// the Responses API's stored-response operations. This proxy stores nothing, so each one answers OpenAI's 404 for a
/// response it does not have, with the reason, rather than the router's "Invalid URL".</summary>
public sealed class StoredResponses : IFunction
{
    public Task InvokeAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? "";
        throw new OpenAiException(new OpenAiError(404,
            $"Response with id '{id}' not found: this proxy is stateless and stores no responses, so they cannot be retrieved, listed, cancelled or deleted.",
            OpenAiError.InvalidRequestType, null, "response_not_found"));
    }
}
