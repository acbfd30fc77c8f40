namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// The spec's "availability" section: clients as they really are. Off when the section is absent (every client of a
/// round finishes, as before). Dropouts are drawn per (seed, round, client), so the same seed drops the same clients.
/// </summary>
public sealed record AvailabilitySpec
{
    /// <summary>Probability that a selected client is unavailable for a round (it does no work and sends nothing).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Optional CSV file of availability (header <c>client,round,available</c>, available 0 or 1); a (client, round) not
    /// listed is available. Applied before <see cref="Dropout"/>.
    /// </summary>
    public string? Trace { get; init; }

    /// <summary>Device speeds and links, drawn per client from the seed; they turn FLOPs and bytes into simulated time.</summary>
    public DeviceSpec Devices { get; init; } = new();

    /// <summary>Simulated seconds a client has per round; a client whose simulated time exceeds it is "late" and dropped. Null = no deadline.</summary>
    public double? DeadlineSeconds { get; init; }

    /// <summary>
    /// Flower's fault-tolerant FedAvg: the round's aggregate is applied only if at least this fraction of the selected
    /// clients finished; otherwise the global model stays as it was (0 = always aggregate what arrived).
    /// </summary>
    public double MinCompletion { get; init; }

    /// <summary>
    /// Select this fraction more clients than training.clientFraction asks for and keep the first ones to finish (in
    /// simulated time); the slower ones are marked late. 0 = off.
    /// </summary>
    public double OverSelection { get; init; }

    /// <summary>
    /// What happens to a late client's update (missed the deadline, or over-selected out): "drop" discards it; "stale"
    /// keeps it and adds it to a later round's aggregate with the staleness weight (1 + s)^−<see cref="StalenessExponent"/>,
    /// as buffered asynchronous FL does (FedBuff, FedAsync). FedLLM and SplitFed. Null = "drop" (and a spec without
    /// it serialises as before).
    /// </summary>
    public LateUpdates? Late { get; init; }

    /// <summary>
    /// a in the staleness weight (1 + s)^−a of a stale update, s = the rounds it arrives late (0 = no discount).
    /// Null = <see cref="DefaultStalenessExponent"/>.
    /// </summary>
    public double? StalenessExponent { get; init; }

    /// <summary>A moderate discount: an update one round late counts 1/√2 of its examples, two rounds late 1/√3.</summary>
    public const double DefaultStalenessExponent = 0.5;
}
