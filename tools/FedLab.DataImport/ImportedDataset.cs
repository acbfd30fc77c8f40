namespace FedLab.DataImport;

/// <summary>A cleaned dataset, in a stable order, before it is split and written.</summary>
internal sealed record ImportedDataset(
    string Name,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<(string Text, int Label)> Examples,
    DatasetSource Source,
    IReadOnlyList<string> Cleaning,
    IReadOnlyList<KeyValuePair<string, int>> Stats);
