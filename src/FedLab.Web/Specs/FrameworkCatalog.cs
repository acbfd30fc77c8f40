using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// The frameworks, read from the engine's <see cref="FrameworkKind"/> and <see cref="RunSpec"/> types rather
/// than listed here, so a framework added to the engine (with its own options section) shows up in the form,
/// the presets and the API without changes to the dashboard. A framework's section is the RunSpec property
/// whose JSON name, lower-cased, equals the framework's JSON name (fedllm -> "fedLlm", kd -> "kd").
/// </summary>
public static class FrameworkCatalog
{
    private static readonly Dictionary<string, string> DisplayNames = new(StringComparer.Ordinal)
    {
        ["fedllm"] = "FedLLM",
        ["kd"] = "KD-FedLLM",
        ["split"] = "Split-FedLLM",
        ["centralized"] = "Centralized (reference)",
    };

    public static IReadOnlyList<FrameworkInfo> All { get; } = Discover();

    public static IReadOnlyList<FrameworkInfo> Federated => [.. All.Where(f => f.IsFederated)];

    public static FrameworkInfo Get(FrameworkKind kind) => All.First(f => f.Kind == kind);

    public static FrameworkInfo? Find(string jsonName) => All.FirstOrDefault(f => f.JsonName == jsonName);

    /// <summary>The JSON spelling of any enum value of the spec ("dirichlet", "head-only").</summary>
    public static string JsonName<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, RunSpecJson.Options).Trim('"');

    public static string DisplayName(string jsonName) => DisplayNames.GetValueOrDefault(jsonName, jsonName);

    /// <summary>Every spec section that belongs to some framework (shown only when that framework is chosen).</summary>
    public static IReadOnlySet<string> SectionNames { get; } = All.Where(f => f.OptionsSection is not null).Select(f => f.OptionsSection!.Name).ToHashSet(StringComparer.Ordinal);

    private static List<FrameworkInfo> Discover()
    {
        var specType = (JsonTypeInfo)RunSpecJson.Options.GetTypeInfo(typeof(RunSpec));
        var list = new List<FrameworkInfo>();
        foreach (var kind in Enum.GetValues<FrameworkKind>())
        {
            var json = JsonName(kind);
            var section = specType.Properties.FirstOrDefault(p =>
                string.Equals(p.Name.ToLowerInvariant(), json, StringComparison.Ordinal) && p.PropertyType.IsClass && p.PropertyType != typeof(string));
            list.Add(new FrameworkInfo(kind, json, DisplayName(json), section));
        }
        return list;
    }
}
