namespace FedLab.Engine.Federation;

/// <summary>
/// Derives independent, reproducible seeds from the run seed and a purpose (round, client, ...), so each
/// client's shuffling and dropout depend only on (seed, round, client): a resumed run replays them exactly.
/// </summary>
public static class SeedMix
{
    public static long Derive(long seed, params ReadOnlySpan<long> parts)
    {
        ulong x = SplitMix((ulong)seed);
        foreach (var part in parts)
        {
            x = SplitMix(x ^ (ulong)part * 0x9E3779B97F4A7C15UL);
        }
        return (long)(x >> 1);
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
