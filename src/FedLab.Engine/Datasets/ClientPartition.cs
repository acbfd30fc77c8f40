namespace FedLab.Engine.Datasets;

/// <summary>
/// Which training examples each client holds (<see cref="ClientIndices"/>, ascending indices into the training
/// set) and how many of each class (<see cref="LabelHistograms"/>[client][class]).
/// </summary>
public sealed record ClientPartition(IReadOnlyList<int[]> ClientIndices, IReadOnlyList<int[]> LabelHistograms)
{
    public int Clients => ClientIndices.Count;
}
