using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>
/// One generated run of a study: a framework entry, the values of the axes that apply to it, and a seed.
/// <see cref="Configuration"/> names the framework and setting without the seed: the seeds of one configuration are
/// what the statistics aggregate.
/// </summary>
public sealed record StudyCell(string FrameworkLabel, string Framework, IReadOnlyList<AxisValue> Setting, int Seed, RunSpec Spec)
{
    /// <summary>"alpha=0.1, clients=5" (or "base" when no axis applies).</summary>
    public string SettingText => Setting.Count == 0 ? "base" : string.Join(", ", Setting.Select(a => $"{a.Name}={a.Text}"));

    public string Configuration => $"{FrameworkLabel} | {SettingText}";

    /// <summary>The key that finds this cell's run again: configuration and seed.</summary>
    public string Key => $"{Configuration} | seed {Seed}";
}

/// <summary>The value of one axis in a cell: its path, short name and value as text.</summary>
public sealed record AxisValue(string Path, string Name, string Text);
