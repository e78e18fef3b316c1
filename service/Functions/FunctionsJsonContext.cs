using System.Text.Json.Serialization;

namespace BedrockNovaProxy.Functions;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class FunctionsJsonContext : JsonSerializerContext;
