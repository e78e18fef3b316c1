using OpenAI.Embeddings;

namespace BedrockNovaProxy.Tests.EndToEnd;

public class EmbeddingsAndModelsTests(LocalSystems systems) : EndToEndTest
{
    [Theory, EveryHosting]
    public async Task Embeds_a_batch_with_dimensions(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var embeddings = system.OpenAi.GetEmbeddingClient("text-embedding-3-small");

        OpenAIEmbeddingCollection result = await embeddings.GenerateEmbeddingsAsync(
            ["the first text", "a second one"], new EmbeddingGenerationOptions { Dimensions = 256 }, Ct);

        Assert.Equal(2, result.Count);
        Assert.Equal([0, 1], result.Select(e => e.Index));
        foreach (var embedding in result)
        {
            var vector = embedding.ToFloats().ToArray();
            Assert.Equal(256, vector.Length);
            Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
        }

        Assert.NotEqual(result[0].ToFloats().ToArray(), result[1].ToFloats().ToArray());
        Assert.Equal(6, result.Usage.InputTokenCount);
    }

    [Theory, EveryHosting]
    public async Task Embeds_with_nova_multimodal_embeddings_chosen_by_alias(Hosting hosting)
    {
        var embeddings = (await systems.GetAsync(hosting)).OpenAi.GetEmbeddingClient("nova-embed");

        OpenAIEmbeddingCollection byDefault = await embeddings.GenerateEmbeddingsAsync(["a text"], cancellationToken: Ct);
        OpenAIEmbeddingCollection small = await embeddings.GenerateEmbeddingsAsync(["a text"], new EmbeddingGenerationOptions { Dimensions = 384 }, Ct);
        var wrongSize = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() =>
            embeddings.GenerateEmbeddingsAsync(["a text"], new EmbeddingGenerationOptions { Dimensions = 512 }, Ct));

        Assert.Equal(3072, byDefault[0].ToFloats().Length);
        Assert.Equal(384, small[0].ToFloats().Length);
        Assert.Equal(1.0, Math.Sqrt(small[0].ToFloats().ToArray().Sum(v => (double)v * v)), 3);
        Assert.Equal(400, wrongSize.Status);
    }

    [Theory, EveryHosting]
    public async Task Gives_the_same_vector_as_float_and_as_base64(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var asFloats = await system.Http.PostAsync("v1/embeddings", JsonText("""{"model":"text-embedding-3-small","input":"same text","encoding_format":"float"}"""), Ct);
        using var asBase64 = await system.Http.PostAsync("v1/embeddings", JsonText("""{"model":"text-embedding-3-small","input":"same text","encoding_format":"base64"}"""), Ct);

        var floats = (await Body(asFloats)).RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String((await Body(asBase64)).RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(1024, floats.Length);
        Assert.Equal(floats, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray());
    }

    [Theory, EveryHosting]
    public async Task Lists_aliases_and_nova_models(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);
        var models = system.OpenAi.GetOpenAIModelClient();

        var list = (await models.GetModelsAsync(Ct)).Value.Select(m => m.Id).ToList();
        var one = (await models.GetModelAsync("gpt-4o", Ct)).Value;

        Assert.Contains("gpt-4o", list);
        Assert.Contains("text-embedding-3-small", list);
        Assert.Contains("amazon.nova-pro-v1:0", list);
        Assert.Equal("amazon.nova-2-lite-v1:0", list.First(id => id.StartsWith("amazon.", StringComparison.Ordinal)));
        Assert.Equal("gpt-4o", one.Id);
        var missing = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => models.GetModelAsync("gpt-99", Ct));
        Assert.Equal(404, missing.Status);
    }

    [Theory, EveryHosting]
    public async Task Answers_health_and_readiness(Hosting hosting)
    {
        var system = await systems.GetAsync(hosting);

        using var health = await system.Http.GetAsync("health", Ct);
        using var ready = await system.Http.GetAsync("ready", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }
}
