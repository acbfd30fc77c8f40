using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>
/// Honest labels for accuracy series: every series says which model produced it (descriptor.AccuracySource) and which
/// split it was measured on. A series whose source is not "global model" is of a different kind on the compare page.
/// </summary>
public static class AccuracyLabels
{
    public const string GlobalModel = "global model";

    public static string Source(string framework, RunSpec? spec) =>
        spec is not null && FrameworkRegistry.Find(framework) is { } descriptor ? descriptor.AccuracySource(spec) : GlobalModel;

    /// <summary>A series of another kind than a global model's (KD consensus: the mean of the clients' own models).
    /// Every other source is one model evaluated on the test split.</summary>
    public static bool IsDifferentKind(string source) => source.StartsWith("mean of", StringComparison.Ordinal);

    /// <summary>"accuracy (test; mean of the clients' own models)".</summary>
    public static string Series(string metric, string split, string source) => $"{metric} ({split}; {source})";
}
