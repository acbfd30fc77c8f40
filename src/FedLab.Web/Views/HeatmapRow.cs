namespace FedLab.Web.Views;

/// <summary>One heatmap row: a round (or the first round of a bucket) and each client's value, null = not sampled.</summary>
public sealed record HeatmapRow(int Round, double?[] Values);
