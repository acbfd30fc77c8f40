namespace FedLab.Data;

/// <summary>One client's training data: example count and label histogram (index = class, see <see cref="RunDetail.ClassNames"/>).</summary>
public sealed record ClientPartitionRow(int ClientId, int Examples, IReadOnlyList<int> LabelCounts);
