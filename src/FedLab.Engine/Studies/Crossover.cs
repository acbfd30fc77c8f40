namespace FedLab.Engine.Studies;

/// <summary>An uplink bandwidth at which the fastest framework changes: below it <see cref="Below"/> wins, above it <see cref="Above"/>.</summary>
public sealed record CrossoverPoint(double UpMbps, string Below, string Above);

/// <summary>
/// Where the fastest framework to a target changes as the uplink bandwidth varies (everything else of the profile fixed).
/// Each curve is time to target as a function of uplink Mbit/s. The range is scanned on a log grid and each change of the
/// winner is bisected (in log bandwidth) to a relative 1e-10, so a crossing of two curves A₁ + B₁/b and A₂ + B₂/b is
/// found at b = (B₁ − B₂)/(A₂ − A₁), where the formula puts it.
/// </summary>
public static class Crossover
{
    public static IReadOnlyList<CrossoverPoint> Find(IReadOnlyList<(string Name, Func<double, double?> SecondsAt)> curves, double lowMbps = 0.1, double highMbps = 10_000, int grid = 400)
    {
        var result = new List<CrossoverPoint>();
        if (curves.Count < 2)
        {
            return result;
        }
        string? Winner(double b)
        {
            string? best = null;
            double bestSeconds = double.PositiveInfinity;
            foreach (var (name, at) in curves)
            {
                if (at(b) is double s && s < bestSeconds)
                {
                    bestSeconds = s;
                    best = name;
                }
            }
            return best;
        }
        double logLo = Math.Log(lowMbps), logHi = Math.Log(highMbps);
        double previousLog = logLo;
        string? previous = Winner(lowMbps);
        for (int i = 1; i <= grid; i++)
        {
            double log = logLo + (logHi - logLo) * i / grid;
            string? current = Winner(Math.Exp(log));
            if (current != previous && previous is not null && current is not null)
            {
                double a = previousLog, z = log;
                while (z - a > 1e-10)
                {
                    double mid = 0.5 * (a + z);
                    if (Winner(Math.Exp(mid)) == previous)
                    {
                        a = mid;
                    }
                    else
                    {
                        z = mid;
                    }
                }
                result.Add(new CrossoverPoint(Math.Exp(0.5 * (a + z)), previous, current));
            }
            previous = current;
            previousLog = log;
        }
        return result;
    }
}
