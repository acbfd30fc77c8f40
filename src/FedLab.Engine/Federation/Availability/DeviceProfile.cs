namespace FedLab.Engine.Federation.Availability;

/// <summary>One device and its link: compute in GFLOP/s, bandwidths in Mbit/s, one-way latency per message in seconds.</summary>
public sealed record DeviceProfile(double Gflops, double UpMbps, double DownMbps, double LatencySeconds)
{
    /// <summary>The profiles of <paramref name="clients"/> clients drawn from <paramref name="spec"/> and the run seed.</summary>
    public static IReadOnlyList<DeviceProfile> Draw(DeviceSpec spec, int clients, long seed)
    {
        var profiles = new DeviceProfile[clients];
        for (int client = 0; client < clients; client++)
        {
            var random = new Random(unchecked((int)SeedMix.Derive(seed, client, 0x0DE71CE)));
            double LogNormal(double median, double spread) => median * Math.Exp(spread * Gaussian(random));
            profiles[client] = new DeviceProfile(
                LogNormal(spec.MedianGflops, spec.GflopsSpread),
                LogNormal(spec.MedianUpMbps, spec.BandwidthSpread),
                LogNormal(spec.MedianDownMbps, spec.BandwidthSpread),
                spec.LatencyMs / 1000.0);
        }
        return profiles;
    }

    /// <summary>A standard normal draw (Box–Muller), so the draw does not depend on a library's generator.</summary>
    internal static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
