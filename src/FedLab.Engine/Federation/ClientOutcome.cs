using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// A client's result in a round, or why it has none. Exactly one of <see cref="Result"/> and <see cref="Failure"/> is
/// set, except for a late client when late updates are kept (availability.late = "stale"): its failure says it was
/// late and its result is kept for a later round.
/// </summary>
public sealed record ClientOutcome<T>(int ClientId, T? Result, ClientFailure? Failure, TrafficMeter Link, double Seconds)
{
    public bool Succeeded => Failure is null;
}
