namespace FedLab.Engine.Studies;

/// <summary>What one client exchanged and computed in a round, as stored: exact bytes, analytic FLOPs, and round trips.</summary>
public sealed record ClientCost(long BytesUp, long BytesDown, double Flops, int RoundTrips);

/// <summary>
/// One round of a stored run, ready to cost: its clients, the server's FLOPs, and whether the clients take turns
/// (sequential split learning) or work in parallel (FedLLM, KD, SplitFed).
/// </summary>
public sealed record RoundCost(int Round, IReadOnlyList<ClientCost> Clients, double ServerFlops, bool Sequential);
