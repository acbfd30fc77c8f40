using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>One base spec, one run per framework: same model, data, partition, training budget and seed.</summary>
public static class ExperimentPlan
{
    public static IReadOnlyList<RunSpec> ForFrameworks(RunSpec baseSpec, IEnumerable<string> frameworks) =>
        [.. frameworks.Distinct().Select(kind => baseSpec with
        {
            Framework = kind,
            Name = Truncate($"{baseSpec.Name} · {FrameworkCatalog.Get(kind).DisplayName}"),
        })];

    private static string Truncate(string name) => name.Length <= 200 ? name : name[..200];
}
