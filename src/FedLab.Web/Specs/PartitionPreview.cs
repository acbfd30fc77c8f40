namespace FedLab.Web.Specs;

/// <summary>Per-client label histograms a spec's partition would produce, or why it cannot.</summary>
public sealed record PartitionPreview(IReadOnlyList<string> ClassNames, IReadOnlyList<int[]> Histograms, int TrainExamples, string? Problem)
{
    public static PartitionPreview Failed(string problem) => new([], [], 0, problem);
}
