using System.Numerics;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// Shamir's t-out-of-n secret sharing over the prime field of the Mersenne prime 2⁵²¹ − 1 (a 32-byte secret fits
/// with room to spare). A share is (x, y) with x = 1 … n; any t shares give the secret back by Lagrange interpolation
/// at 0, fewer reveal nothing about it. Coefficients come from the caller's generator (seeded in the simulation).
/// </summary>
public static class Shamir
{
    public static readonly BigInteger Prime = BigInteger.Pow(2, 521) - 1;

    /// <summary>Bytes of one serialised share: x as 4 bytes, y as 66 bytes.</summary>
    public const int ShareBytes = 4 + 66;

    public readonly record struct Share(int X, BigInteger Y);

    public static Share[] Split(ReadOnlySpan<byte> secret, int threshold, int shares, Random random)
    {
        if (threshold < 1 || threshold > shares)
        {
            throw new ArgumentException($"threshold must be 1 to {shares}, got {threshold}");
        }
        var coefficients = new BigInteger[threshold];
        coefficients[0] = new BigInteger(secret, isUnsigned: true, isBigEndian: false);
        var buffer = new byte[66];
        for (int i = 1; i < threshold; i++)
        {
            random.NextBytes(buffer);
            buffer[65] &= 0x01; // below 2^521
            coefficients[i] = new BigInteger(buffer, isUnsigned: true, isBigEndian: false) % Prime;
        }
        var result = new Share[shares];
        for (int x = 1; x <= shares; x++)
        {
            BigInteger y = 0;
            for (int i = threshold - 1; i >= 0; i--)
            {
                y = (y * x + coefficients[i]) % Prime;
            }
            result[x - 1] = new Share(x, y);
        }
        return result;
    }

    /// <summary>The secret (as <paramref name="length"/> little-endian bytes) from at least t distinct shares.</summary>
    public static byte[] Combine(IReadOnlyList<Share> shares, int length)
    {
        BigInteger secret = 0;
        for (int i = 0; i < shares.Count; i++)
        {
            BigInteger numerator = 1, denominator = 1;
            for (int j = 0; j < shares.Count; j++)
            {
                if (i != j)
                {
                    numerator = numerator * (Prime - shares[j].X) % Prime;
                    denominator = denominator * Mod(shares[i].X - shares[j].X) % Prime;
                }
            }
            var lagrange = numerator * BigInteger.ModPow(denominator, Prime - 2, Prime) % Prime;
            secret = (secret + shares[i].Y * lagrange) % Prime;
        }
        var bytes = new byte[length];
        if (!secret.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false))
        {
            throw new InvalidOperationException("the shares do not combine to a secret of this length (too few or inconsistent shares)");
        }
        return bytes;
    }

    public static byte[] Serialize(Share share)
    {
        var bytes = new byte[ShareBytes];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), share.X);
        share.Y.TryWriteBytes(bytes.AsSpan(4), out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    public static Share Deserialize(ReadOnlySpan<byte> bytes) =>
        new(BitConverter.ToInt32(bytes[..4]), new BigInteger(bytes.Slice(4, 66), isUnsigned: true, isBigEndian: false));

    private static BigInteger Mod(BigInteger x)
    {
        var r = x % Prime;
        return r.Sign < 0 ? r + Prime : r;
    }
}
