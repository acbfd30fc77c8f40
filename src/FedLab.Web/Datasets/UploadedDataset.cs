namespace FedLab.Web.Datasets;

/// <summary>
/// A dataset file accepted by the dashboard. <see cref="Name"/> is what a spec's dataset.name must say to use
/// it: a portable reference, <c>upload:&lt;content hash&gt;/&lt;file name&gt;</c> (<see cref="Engine.Datasets.DatasetReference"/>).
/// </summary>
public sealed record UploadedDataset(string Name, string FileName, long Bytes, int Rows, IReadOnlyList<string> ClassNames, int Train, int Test, int Public)
{
    /// <summary>True when a file with the same content was already here: its reference is answered, nothing new is stored.</summary>
    public bool AlreadyUploaded { get; init; }
}
