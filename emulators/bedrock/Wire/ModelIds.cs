using System.Text.RegularExpressions;
using BedrockNovaProxy.Catalog;

namespace BedrockNovaProxy.Emulators.Bedrock.Wire;

/// <summary>Resolves the {modelId} of a request path as Bedrock does: a foundation model id, a cross-region
/// inference profile id (us.amazon.nova-pro-v1:0) or the ARN of either, in this Region. Pure.</summary>
public static partial class ModelIds
{
    private const string Invalid = "The provided model identifier is invalid.";

    public static ModelSpec Resolve(string modelId, string region, DateOnly today, bool chat)
    {
        var id = modelId;
        var arn = ArnPattern().Match(modelId);
        if (arn.Success)
        {
            if (arn.Groups["region"].Value != region)
            {
                throw new BedrockErrorException(BedrockError.Validation(Invalid));
            }

            id = arn.Groups["id"].Value;
            if (arn.Groups["kind"].Value == "inference-profile" != HasProfilePrefix(id))
            {
                throw new BedrockErrorException(BedrockError.Validation(Invalid));
            }
        }

        var profile = ModelCatalog.ProfilePrefixes.FirstOrDefault(p => id.StartsWith(p + ".", StringComparison.Ordinal));
        var baseId = profile is null ? id : id[(profile.Length + 1)..];
        var spec = ModelCatalog.Find(baseId) ?? throw new BedrockErrorException(BedrockError.Validation(Invalid));
        if (profile is not null && (!spec.GeoProfiles.Contains(profile) || (profile != "global" && profile != ModelCatalog.GeoOf(region))))
        {
            throw new BedrockErrorException(BedrockError.Validation(Invalid));
        }

        if (spec.IsEndOfLife(today))
        {
            throw new BedrockErrorException(BedrockError.NotFound(
                "This model version has reached the end of its life. Please refer to the AWS documentation for more details."));
        }

        if (chat != (spec.Kind == ModelKind.Chat))
        {
            throw new BedrockErrorException(BedrockError.Validation(chat
                ? "This action doesn't support the model that you provided. Try again with a supported text or chat model."
                : $"The emulator answers InvokeModel only for embedding models; call {spec.Id} through Converse."));
        }

        if (profile is null && !spec.OnDemandInRegion)
        {
            throw new BedrockErrorException(BedrockError.Validation(
                $"Invocation of model ID {spec.Id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model."));
        }

        return spec;
    }

    private static bool HasProfilePrefix(string id) => ModelCatalog.ProfilePrefixes.Any(p => id.StartsWith(p + ".", StringComparison.Ordinal));

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:bedrock:(?<region>[a-z0-9-]+):(\d{12})?:(?<kind>foundation-model|inference-profile)/(?<id>.+)$")]
    private static partial Regex ArnPattern();
}
