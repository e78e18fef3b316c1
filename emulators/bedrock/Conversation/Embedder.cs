using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BedrockNovaProxy.Emulators.Bedrock.Conversation;

/// <summary>Deterministic embeddings: the same text and size always give the same vector; different texts give
/// unrelated ones. Components come from SHA-256 in counter mode, scaled to unit length when normalised.</summary>
public static class Embedder
{
    public static float[] Embed(string text, int dimensions, bool normalize = true)
    {
        var vector = new float[dimensions];
        var seed = Encoding.UTF8.GetBytes(text);
        var block = new byte[seed.Length + 4];
        seed.CopyTo(block, 0);
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < dimensions; i += 8)
        {
            BinaryPrimitives.WriteInt32BigEndian(block.AsSpan(seed.Length), i);
            SHA256.HashData(block, hash);
            for (var j = 0; j < 8 && i + j < dimensions; j++)
            {
                // Map 32 bits to [-1, 1).
                vector[i + j] = (float)(BinaryPrimitives.ReadUInt32BigEndian(hash[(j * 4)..]) / 2147483648.0 - 1.0);
            }
        }

        if (normalize)
        {
            var length = MathF.Sqrt(vector.Sum(v => v * v));
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= length;
            }
        }

        return vector;
    }
}
