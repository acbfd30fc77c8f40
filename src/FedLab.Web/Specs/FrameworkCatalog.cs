using System.Text.Json;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// The frameworks the dashboard offers: the engine's <see cref="FrameworkRegistry"/>, read each time (a host or a test
/// may register more at start-up). Names, display names and option sections all come from the descriptors.
/// </summary>
public static class FrameworkCatalog
{
    public static IReadOnlyList<FrameworkInfo> All => [.. FrameworkRegistry.All.Select(d => new FrameworkInfo(d))];

    public static IReadOnlyList<FrameworkInfo> Federated => [.. All.Where(f => f.IsFederated)];

    public static FrameworkInfo Get(string name) => new(FrameworkRegistry.Get(name));

    public static FrameworkInfo? Find(string? jsonName) => FrameworkRegistry.Find(jsonName) is { } d ? new FrameworkInfo(d) : null;

    public static string JsonName<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, RunSpecJson.Options).Trim('"');

    /// <summary>The display name of a framework, or the name itself for one this dashboard does not know (an old run).</summary>
    public static string DisplayName(string jsonName) => FrameworkRegistry.Find(jsonName)?.DisplayName ?? jsonName;

    public static IReadOnlySet<string> SectionNames =>
        FrameworkRegistry.All.Where(f => f.OptionsSection is not null).Select(f => f.OptionsSection!).ToHashSet(StringComparer.Ordinal);
}
