using System.Security.Cryptography;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// The seeded PRG that expands a 32-byte seed (a pairwise X25519 secret or a self-mask seed) into a mask vector:
/// AES-128 in counter mode keyed by the first 16 bytes of SHA-256(seed), read as little-endian 64-bit words.
/// Both ends of a pair expand the same seed to the same mask, so masks cancel in the sum.
/// </summary>
public static class MaskPrg
{
    public static ulong[] Expand(ReadOnlySpan<byte> seed, int length)
    {
        var key = SHA256.HashData(seed)[..16];
        using var aes = Aes.Create();
        aes.Key = key;
        int blocks = (length + 1) / 2; // one 16-byte block = two 64-bit words
        var counters = new byte[blocks * 16];
        for (int i = 0; i < blocks; i++)
        {
            BitConverter.TryWriteBytes(counters.AsSpan(i * 16, 8), (long)i);
        }
        var stream = aes.EncryptEcb(counters, PaddingMode.None);
        var words = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            words[i] = BitConverter.ToUInt64(stream, i * 8);
        }
        return words;
    }
}
