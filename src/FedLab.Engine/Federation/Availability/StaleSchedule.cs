using System.Globalization;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// When late updates arrive (availability.late = "stale"): the availability runner notes each late client's staleness
/// s from the simulated clock, the <see cref="StaleUpdateAggregator"/> reads it when the update is handed over and
/// discounts it by (1 + s)^−a.
/// </summary>
public sealed class StaleSchedule(double exponent)
{
    private readonly Dictionary<int, int> _staleness = [];
    private int _round;

    public double Exponent => exponent;

    /// <summary>
    /// Rounds a late update arrives after the round it was sent in: with a deadline D and simulated time t, the update
    /// lands during round r + s with s = ⌈t / D⌉ − 1 (at least 1), as if each later round lasted D; with no deadline
    /// (over-selected out) s = 1.
    /// </summary>
    public static int Staleness(double seconds, double? deadline)
    {
        if (deadline is not double d || d <= 0 || !double.IsFinite(seconds))
        {
            return 1;
        }
        double rounds = Math.Ceiling(seconds / d - 1e-12) - 1;
        return (int)Math.Clamp(rounds, 1, 1_000_000);
    }

    /// <summary>The staleness discount (1 + s)^−a.</summary>
    public double Weight(int staleness) => Math.Pow(1 + staleness, -exponent);

    /// <summary>Notes that <paramref name="client"/>'s update of <paramref name="round"/> is <paramref name="staleness"/> rounds late; says so for the failure's reason.</summary>
    public string Note(int round, int client, int staleness)
    {
        if (round != _round)
        {
            _round = round;
            _staleness.Clear();
        }
        _staleness[client] = staleness;
        return string.Create(CultureInfo.InvariantCulture,
            $"its update arrives {staleness} round{(staleness == 1 ? "" : "s")} late and enters round {round + staleness}'s aggregate with weight (1 + {staleness})^-{exponent:0.###} = {Weight(staleness):0.###} of its examples");
    }

    /// <summary>The staleness noted for the client's late update of <paramref name="round"/> (1 when none was noted).</summary>
    public int StalenessOf(int round, int client) => round == _round ? _staleness.GetValueOrDefault(client, 1) : 1;
}
