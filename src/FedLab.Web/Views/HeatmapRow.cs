namespace FedLab.Web.Views;

/// <summary>
/// One heatmap row: a round (or the first round of a bucket) and each client's value, null = not sampled (or failed
/// without a completed round in the bucket). <see cref="Failures"/>, when not null, holds per client "kind: reason"
/// for a client that failed there, null for the others.
/// </summary>
public sealed record HeatmapRow(int Round, double?[] Values, string?[]? Failures = null);
