namespace FedLab.Engine.Federation;

/// <summary>Which clients take part in a round: max(1, round(fraction·N)) of them, drawn from (seed, round) alone.</summary>
public static class ClientSampler
{
    public static int CountFor(int clients, double fraction) => Math.Clamp((int)Math.Round(fraction * clients, MidpointRounding.AwayFromZero), 1, clients);

    public static IReadOnlyList<int> Sample(int clients, double fraction, long seed, int round)
    {
        int count = CountFor(clients, fraction);
        var all = Enumerable.Range(0, clients).ToArray();
        if (count == clients)
        {
            return all;
        }
        new Random(unchecked((int)SeedMix.Derive(seed, round, 7))).Shuffle(all);
        return all.Take(count).Order().ToArray();
    }
}
