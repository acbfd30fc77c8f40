using System.Text.Json.Nodes;

namespace FedLab.Engine.Studies;

/// <summary>
/// A study: a base run spec, the frameworks to include (each with its options), the axes (a spec field path and its
/// values), the seeds and a target accuracy. One JSON record shared by the CLI (<c>study --config</c>), the REST API
/// (<c>POST /api/studies</c>) and the dashboard; parsed strictly by <see cref="StudySpecJson"/>.
/// </summary>
public sealed record StudySpec
{
    public const int MaxRuns = 500;

    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The base run spec, as JSON (every generated run is this with a framework, axis values and a seed set).</summary>
    public required JsonObject Base { get; init; }
    public required IReadOnlyList<StudyFramework> Frameworks { get; init; }
    public required IReadOnlyList<StudyAxis> Axes { get; init; }
    public required IReadOnlyList<int> Seeds { get; init; }
    /// <summary>The accuracy whose cost (MB, client TFLOPs, simulated time) the study reports; null: none.</summary>
    public double? TargetAccuracy { get; init; }
}

/// <summary>One framework of a study: its spec name, the label shown, and its option sections merged into the base.</summary>
public sealed record StudyFramework(string Framework, string Label, JsonObject Options);

/// <summary>
/// One axis: a spec field path ("partition.alpha", "split.cutLayer") and its values. An axis applies to the frameworks
/// named in <see cref="AppliesTo"/>, else, when its path starts with a framework's options section (split, kd, fedLlm),
/// only to that framework, else to every framework; a framework it does not apply to is not multiplied by it.
/// </summary>
public sealed record StudyAxis(string Path, IReadOnlyList<JsonNode?> Values, IReadOnlyList<string>? AppliesTo = null)
{
    /// <summary>A short name for tables and legends: the path's last segment ("alpha", "cutLayer").</summary>
    public string ShortName => Path[(Path.LastIndexOf('.') + 1)..];

    public static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };
}
