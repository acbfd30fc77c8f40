namespace FedLab.Web.Datasets;

/// <summary>An accepted upload, or the reason it was refused (nothing is kept then).</summary>
public sealed record DatasetUploadResult(UploadedDataset? Dataset, string? Problem, bool TooLarge = false);
