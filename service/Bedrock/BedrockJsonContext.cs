using System.Text.Json.Serialization;

namespace BedrockNovaProxy.Bedrock;

// Source-generated (Native AOT) serialization for the Bedrock Runtime wire (restJson1: camelCase, nulls omitted).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageStopEvent))]
[JsonSerializable(typeof(MetadataEvent))]
[JsonSerializable(typeof(BedrockErrorBody))]
[JsonSerializable(typeof(TitanEmbeddingRequest))]
[JsonSerializable(typeof(TitanEmbeddingResponse))]
[JsonSerializable(typeof(NovaEmbeddingRequest))]
[JsonSerializable(typeof(NovaEmbeddingResponse))]
public sealed partial class BedrockJsonContext : JsonSerializerContext;
