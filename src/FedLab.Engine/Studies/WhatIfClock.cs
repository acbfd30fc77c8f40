using FedLab.Engine.Federation.Availability;

namespace FedLab.Engine.Studies;

/// <summary>
/// Simulated wall time of stored rounds under a <see cref="DeploymentProfile"/>, through the one <see cref="TimeModel"/>.
/// A client's time in a round is
///   t_c = FLOPs_c / client GFLOP/s + 8·down_c / down Mbit/s + 8·up_c / up Mbit/s + round trips_c · RTT
/// (a round trip is two messages of RTT/2 each). Each protocol's message pattern is in its round trips: FedLLM one
/// per round (model down, update up), KD one per exchange of logits, split learning one per batch (activations up,
/// their gradients down) plus one for SplitFed's averaging. The round takes the slowest client when clients work
/// in parallel and the sum when they take turns (sequential split learning), plus the server's FLOPs at its GFLOP/s.
/// Nothing is trained again: changing the profile re-costs every stored round.
/// </summary>
public static class WhatIfClock
{
    public static double ClientSeconds(ClientCost client, DeploymentProfile profile) =>
        TimeModel.Seconds(client.Flops, client.BytesDown, client.BytesUp, 2 * client.RoundTrips, profile.Client);

    public static double RoundSeconds(RoundCost round, DeploymentProfile profile)
    {
        double clients = round.Clients.Count == 0 ? 0
            : round.Sequential ? round.Clients.Sum(c => ClientSeconds(c, profile))
            : round.Clients.Max(c => ClientSeconds(c, profile));
        return clients + round.ServerFlops / (profile.ServerGflops * 1e9);
    }

    /// <summary>Cumulative simulated seconds after each round (same order as <paramref name="rounds"/>).</summary>
    public static IReadOnlyList<double> Cumulative(IReadOnlyList<RoundCost> rounds, DeploymentProfile profile)
    {
        var result = new double[rounds.Count];
        double total = 0;
        for (int i = 0; i < rounds.Count; i++)
        {
            total += RoundSeconds(rounds[i], profile);
            result[i] = total;
        }
        return result;
    }

    /// <summary>
    /// Simulated seconds until the first round whose accuracy reaches <paramref name="target"/>
    /// (<paramref name="accuracy"/>[i] belongs to <paramref name="rounds"/>[i]); null when no round does.
    /// </summary>
    public static double? TimeToTarget(IReadOnlyList<RoundCost> rounds, IReadOnlyList<double> accuracy, double target, DeploymentProfile profile)
    {
        double total = 0;
        for (int i = 0; i < rounds.Count; i++)
        {
            total += RoundSeconds(rounds[i], profile);
            if (accuracy[i] >= target)
            {
                return total;
            }
        }
        return null;
    }
}
