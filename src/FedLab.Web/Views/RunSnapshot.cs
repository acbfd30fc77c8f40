using FedLab.Data;

namespace FedLab.Web.Views;

/// <summary>
/// What the run page needs from the store, without the client rows themselves: the run, its rounds and
/// partition (<see cref="Detail"/>, whose ClientRounds is empty), each client's totals and the heatmap grid.
/// </summary>
public sealed record RunSnapshot(RunDetail Detail, IReadOnlyList<ClientTotalRow> ClientTotals, HeatmapRows Heatmap);
