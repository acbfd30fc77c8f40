namespace FedLab.Engine.Federation;

/// <summary>
/// Combines the clients' uploaded states of one round into one (Flower's aggregate_fit). FedAvg is
/// <see cref="WeightedMeanAggregator"/>; clipping and noise (DP), masking (secure aggregation) and robust rules
/// (median, trimmed mean, Krum) wrap it (<see cref="AggregatorWrapper"/>) instead of editing a framework.
/// Updates arrive in client order; the aggregator owns nothing it is given.
/// </summary>
public interface IUpdateAggregator : IDisposable
{
    /// <summary>Starts round <paramref name="round"/>; <paramref name="global"/> is the state the clients started from.</summary>
    void Begin(int round, TrainableState global);

    /// <summary>One client's uploaded state with its weight (its example count).</summary>
    void Add(int clientId, TrainableState update, double weight);

    /// <summary>
    /// A late client's uploaded state (availability.late = "stale"), from the state the clients of this round started
    /// from. Discarded unless a wrapper keeps it for a later round (<see cref="Availability.StaleUpdateAggregator"/>).
    /// </summary>
    void AddLate(int clientId, TrainableState update, double weight)
    {
    }

    /// <summary>The aggregate (the caller disposes it), or null when no client contributed (the global state then stays).</summary>
    TrainableState? Finish();
}
