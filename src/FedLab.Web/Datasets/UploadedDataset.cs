namespace FedLab.Web.Datasets;

/// <summary>
/// A dataset file accepted by the dashboard. <see cref="Name"/> is what a spec's dataset.name must say to use
/// it (the stored file's path).
/// </summary>
public sealed record UploadedDataset(string Name, string FileName, long Bytes, int Rows, IReadOnlyList<string> ClassNames, int Train, int Test, int Public);
