using System.Buffers;
using System.Text.Json.Nodes;
using Amazon.Runtime.EventStreams;
using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.Emulators.Bedrock.Conversation;
using BedrockNovaProxy.Emulators.Bedrock.Wire;
using ServiceDecoder = BedrockNovaProxy.Bedrock.EventStream.EventStreamDecoder;

namespace BedrockNovaProxy.Emulators.Bedrock.Tests;

public class WireTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    /// <summary>{modelId} in the path -> the model it resolves to in us-east-1, or the error Bedrock gives.</summary>
    public static TheoryData<string, string> ModelIdCases => new()
    {
        { "amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0" },
        { "us.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0" },
        { "global.amazon.nova-2-lite-v1:0", "amazon.nova-2-lite-v1:0" },
        { "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0" },
        { "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0" },
        { "eu.amazon.nova-pro-v1:0", "ValidationException: The provided model identifier is invalid." },
        { "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0", "ValidationException: The provided model identifier is invalid." },
        { "arn:aws:bedrock:us-east-1::foundation-model/us.amazon.nova-lite-v1:0", "ValidationException: The provided model identifier is invalid." },
        { "amazon.nova-ultra-v9:0", "ValidationException: The provided model identifier is invalid." },
        { "amazon.nova-2-lite-v1:0", "ValidationException: Invocation of model ID amazon.nova-2-lite-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model." },
        { "us.amazon.nova-premier-v1:0", "ResourceNotFoundException: This model version has reached the end of its life. Please refer to the AWS documentation for more details." },
        { "amazon.titan-embed-text-v2:0", "ValidationException: This action doesn't support the model that you provided. Try again with a supported text or chat model." },
    };

    [Theory]
    [MemberData(nameof(ModelIdCases))]
    public void Resolves_model_ids_as_Bedrock_does(string modelId, string expected)
    {
        string actual;
        try
        {
            actual = ModelIds.Resolve(modelId, "us-east-1", Today, chat: true).Id;
        }
        catch (BedrockErrorException e)
        {
            actual = $"{e.Error.Type}: {e.Error.Message}";
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Premier_answers_until_its_end_of_life() =>
        Assert.Equal("amazon.nova-premier-v1:0", ModelIds.Resolve("us.amazon.nova-premier-v1:0", "us-east-1", new DateOnly(2026, 9, 13), chat: true).Id);

    private static Reply SampleReply => new(
        [new ReplyText("Hi there"), new ReplyToolUse("tooluse_1", "lookup", new JsonObject { ["q"] = "cats" })], "tool_use", 12, 9, 0);

    [Fact]
    public void Streams_events_in_Bedrock_order_with_tool_input_in_fragments()
    {
        var events = ConverseResponses.Events(SampleReply, 40).ToList();

        Assert.Equal(
            ["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"],
            events.Select(e => e.Type));
        Assert.Equal(["Hi", " there"], events.Take(3).Skip(1).Select(e => e.Payload["delta"]!["text"]!.GetValue<string>()));
        Assert.Equal("""{"q":"cats"}""", string.Concat(events.Skip(5).Take(2).Select(e => e.Payload["delta"]!["toolUse"]!["input"]!.GetValue<string>())));
        Assert.Equal(1, events[4].Payload["contentBlockIndex"]!.GetValue<int>());
        Assert.Equal("""{"usage":{"inputTokens":12,"outputTokens":9,"totalTokens":21},"metrics":{"latencyMs":40}}""", events[^1].Payload.ToJsonString());
    }

    [Fact]
    public void Echoes_the_service_tier_in_the_answer_and_the_final_metadata_event()
    {
        var reply = SampleReply with { ServiceTier = "flex" };

        Assert.Equal("""{"type":"flex"}""", ConverseResponses.Response(reply, 40)["serviceTier"]!.ToJsonString());
        Assert.Equal("""{"type":"flex"}""", ConverseResponses.Events(reply, 40).Last().Payload["serviceTier"]!.ToJsonString());
        Assert.Null(ConverseResponses.Response(SampleReply, 40)["serviceTier"]);
    }

    [Fact]
    public void Frames_decode_with_AWSSDK_Core_and_with_the_proxy_decoder()
    {
        var frames = ConverseResponses.Events(SampleReply, 40).Select((e, i) => EventStreamFrames.Event(e, pad: true, i))
            .Append(EventStreamFrames.Exception(BedrockError.Throttling())).ToList();

        var sdk = frames.Select(f => EventStreamMessage.FromBuffer(f, 0, f.Length)).ToList();
        Assert.Equal("messageStart", sdk[0].Headers[":event-type"].AsString());
        Assert.Equal("event", sdk[0].Headers[":message-type"].AsString());
        Assert.Equal("application/json", sdk[0].Headers[":content-type"].AsString());
        Assert.StartsWith("abc", JsonNode.Parse(sdk[1].Payload)!["p"]!.GetValue<string>());
        Assert.Equal(("exception", "throttlingException"), (sdk[^1].Headers[":message-type"].AsString(), sdk[^1].Headers[":exception-type"].AsString()));

        var all = new ReadOnlySequence<byte>(frames.SelectMany(f => f).ToArray());
        var count = 0;
        while (ServiceDecoder.TryDecode(all, out _, out var consumed))
        {
            all = all.Slice(consumed);
            count++;
        }

        Assert.Equal(frames.Count, count);
    }

    [Fact]
    public void Embeds_deterministic_unit_vectors()
    {
        var titan = ModelCatalog.Find("amazon.titan-embed-text-v2:0")!;
        var input = EmbeddingBodies.Read(JsonNode.Parse("""{"inputText":"hello world","dimensions":512}"""), titan);

        var body = EmbeddingBodies.Response(input, titan, 2);
        var vector = body["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();

        Assert.Equal(512, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
        Assert.Equal(vector, Embedder.Embed("hello world", 512));
        Assert.NotEqual(vector, Embedder.Embed("hello world!", 512));
        Assert.Equal(2, body["inputTextTokenCount"]!.GetValue<int>());
        Assert.Equal(body["embedding"]!.ToJsonString(), body["embeddingsByType"]!["float"]!.ToJsonString());
    }

    public static TheoryData<string, string, string> BadEmbeddings => new()
    {
        { "titan", """{"text":"x"}""", "Malformed input request: #: extraneous key [text] is not permitted, please reformat your input and try again." },
        { "titan", """{}""", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again." },
        { "titan", """{"inputText":"x","dimensions":300}""", "Malformed input request: #/dimensions: 300 is not a valid enum value, please reformat your input and try again." },
        { "titan", """{"inputText":""}""", "Malformed input request: #/inputText: expected minLength: 1, actual: 0, please reformat your input and try again." },
        { "nova", """{"taskType":"SINGLE_EMBEDDING","singleEmbeddingParams":{"embeddingPurpose":"NOPE","text":{"value":"x"}}}""", "Malformed input request: #/singleEmbeddingParams/embeddingPurpose: NOPE is not a valid enum value, please reformat your input and try again." },
    };

    [Theory]
    [MemberData(nameof(BadEmbeddings))]
    public void Rejects_bad_embedding_bodies(string model, string body, string message)
    {
        var spec = ModelCatalog.Find(model == "titan" ? "amazon.titan-embed-text-v2:0" : "amazon.nova-2-multimodal-embeddings-v1:0")!;

        var error = Assert.Throws<BedrockErrorException>(() => EmbeddingBodies.Read(JsonNode.Parse(body), spec));

        Assert.Equal(message, error.Error.Message);
    }

    [Theory]
    [InlineData("[[fault:throttle]]", "ThrottlingException", 429, false)]
    [InlineData("[[fault:model-timeout]]", "ModelTimeoutException", 408, false)]
    [InlineData("[[fault:not-ready]]", "ModelNotReadyException", 429, false)]
    [InlineData("[[fault:model-error]]", "ModelErrorException", 424, false)]
    [InlineData("[[fault:midstream-internal]]", "InternalServerException", 500, true)]
    [InlineData("[[fault:typo]]", "ValidationException", 400, false)]
    public void Turns_fault_markers_into_Bedrock_errors(string prompt, string type, int status, bool midStream)
    {
        var plan = new FaultInjector(new FaultOptions()).Decide(Markers.Parse(prompt));

        var error = midStream ? plan.MidStream : plan.Before;
        Assert.Equal((type, status), (error!.Type, (int)error.Status));
    }

    [Fact]
    public void Draws_random_faults_at_the_configured_rate_repeatably()
    {
        static int Throttled(int seed)
        {
            var injector = new FaultInjector(new FaultOptions { ThrottlingPercent = 10, Seed = seed });
            return Enumerable.Range(0, 10_000).Count(_ => injector.Decide(Markers.None).Before?.Type == "ThrottlingException");
        }

        Assert.InRange(Throttled(7), 900, 1100);
        Assert.Equal(Throttled(7), Throttled(7));
    }

    [Fact]
    public void Parses_latency_and_strips_markers()
    {
        var markers = Markers.Parse("[[latency:ttft=250,tps=40.5]] hello [[tokens:12]]");

        Assert.Equal((TimeSpan.FromMilliseconds(250), 40.5, 12), (markers.TimeToFirstToken!.Value, markers.TokensPerSecond!.Value, markers.Tokens!.Value));
        Assert.Equal("hello", Markers.Strip("[[latency:ttft=250,tps=40.5]] hello [[tokens:12]]"));
    }
}
