namespace FedLab.Data;

/// <summary>
/// What a run's page reads from the store, without the client rows themselves: the run with its rounds and
/// partition (<see cref="Detail"/>, whose ClientRounds is empty), each client's totals, and the client x round grid
/// in buckets of <see cref="HeatmapBucket"/> rounds for the first <see cref="HeatmapClients"/> clients.
/// </summary>
public sealed record RunPageData(RunDetail Detail, IReadOnlyList<ClientTotalRow> ClientTotals, int HeatmapClients, int HeatmapBucket, IReadOnlyList<HeatmapCell> HeatmapCells);
