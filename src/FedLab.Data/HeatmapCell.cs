namespace FedLab.Data;

/// <summary>
/// One cell of the client x round grid: a bucket of consecutive rounds (<see cref="Row"/>) and a client, with the
/// mean training loss of the rounds it completed there (null if none) and, if it failed in any of them, the last
/// failure as "kind: reason".
/// </summary>
public sealed record HeatmapCell(int Row, int ClientId, double? Loss, string? Failure);
