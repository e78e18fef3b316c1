using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Translation;

namespace BedrockNovaProxy.Functions;

internal static class Upstream
{
    /// <summary>Runs a Bedrock call, turning its failures into the OpenAI error the client gets.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (BedrockException e)
        {
            throw new OpenAiException(ErrorTranslator.FromBedrock(e));
        }
        catch (BedrockTransportException e)
        {
            throw new OpenAiException(ErrorTranslator.FromTransport(e));
        }
    }
}
