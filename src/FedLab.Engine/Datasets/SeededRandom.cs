namespace FedLab.Engine.Datasets;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own generator (not System.Random) so that a seed means the same
/// sequence on every runtime version and platform, and so that independent streams can be derived from one seed.
/// </summary>
/// <remarks>This file is also compiled into tools/FedLab.DataImport, so the bundled splits and the loader agree.</remarks>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <param name="seed">The user-visible seed.</param>
    /// <param name="stream">Distinguishes independent uses of the same seed (e.g. one stream per class).</param>
    public SeededRandom(long seed, ulong stream = 0)
    {
        // Mixing the stream through SplitMix64 first keeps nearby (seed, stream) pairs far apart.
        ulong state = unchecked((ulong)seed) ^ SplitMix64Mix(stream + 0x632BE59BD9B4E019UL);
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // the all-zero state is the one fixed point of xoshiro
        }
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong b = (ulong)bound;
        ulong product = (NextUInt64() >> 32) * b;
        uint low = (uint)product;
        if (low < b)
        {
            uint threshold = (uint)((0x1_0000_0000UL - b) % b);
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * b;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>Standard normal by the Marsaglia polar method (both values of a pair are not cached, for simplicity).</summary>
    public double NextGaussian()
    {
        while (true)
        {
            double u = 2 * NextDouble() - 1;
            double v = 2 * NextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return SplitMix64Mix(state);
    }

    private static ulong SplitMix64Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
