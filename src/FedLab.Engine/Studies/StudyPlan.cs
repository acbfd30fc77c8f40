using System.Text.Json.Nodes;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>
/// Expands a study into its runs: for each framework entry, the product of the values of the axes that apply to it,
/// times the seeds. An axis applies to the frameworks it names, else (its path starting with a framework's options
/// section, as split.cutLayer) only to that framework, else to all; so a cut layer multiplies only split runs.
/// Every generated spec is parsed and validated before anything starts; an error names the axis value that caused it
/// ("axes[1].values[2] (split.cutLayer=5) with Split-FedLLM: split.cutLayer: ...").
/// </summary>
public static class StudyPlan
{
    public static IReadOnlyList<StudyCell> Expand(StudySpec study, RunSpecValidator? validator = null)
    {
        validator ??= new RunSpecValidator();
        var errors = new List<SpecError>();
        var cells = new List<StudyCell>();
        for (int f = 0; f < study.Frameworks.Count; f++)
        {
            var framework = study.Frameworks[f];
            var axes = study.Axes.Select((axis, index) => (axis, index)).Where(a => AppliesTo(a.axis, framework.Framework)).ToList();
            foreach (var combination in Product(axes.Select(a => a.axis.Values.Count).ToList()))
            {
                var setting = combination.Select((v, k) => (Axis: axes[k].axis, AxisIndex: axes[k].index, ValueIndex: v)).ToList();
                foreach (var seed in study.Seeds)
                {
                    var json = (JsonObject)study.Base.DeepClone();
                    json["framework"] = framework.Framework;
                    SpecPath.Merge(json, framework.Options);
                    var values = new List<AxisValue>();
                    foreach (var (axis, _, valueIndex) in setting)
                    {
                        SpecPath.Set(json, axis.Path, axis.Values[valueIndex]);
                        values.Add(new AxisValue(axis.Path, axis.ShortName, StudyAxis.Text(axis.Values[valueIndex])));
                    }
                    json["seed"] = seed;
                    var settingText = values.Count == 0 ? "" : " · " + string.Join(", ", values.Select(v => $"{v.Name}={v.Text}"));
                    json["name"] = Truncate($"{study.Name}: {framework.Label}{settingText} · seed {seed}");
                    try
                    {
                        var spec = RunSpecJson.ParseAndValidate(json.ToJsonString(), validator);
                        cells.Add(new StudyCell(framework.Label, framework.Framework, values, seed, spec));
                    }
                    catch (RunSpecException ex)
                    {
                        foreach (var error in ex.Errors)
                        {
                            errors.Add(Attribute(error, f, framework, setting.Select(s => (s.Axis, s.AxisIndex, s.ValueIndex)).ToList()));
                        }
                    }
                }
            }
        }
        if (cells.Count + errors.Count > StudySpec.MaxRuns)
        {
            errors.Add(new SpecError("axes", $"the study expands to {cells.Count} runs; at most {StudySpec.MaxRuns}"));
        }
        var distinct = errors.Distinct().ToList();
        return distinct.Count > 0 ? throw new RunSpecException(distinct) : cells;
    }

    public static bool AppliesTo(StudyAxis axis, string framework)
    {
        if (axis.AppliesTo is not null)
        {
            return axis.AppliesTo.Contains(framework);
        }
        var section = axis.Path.Split('.')[0];
        var owner = FrameworkRegistry.BySection(section);
        return owner is null || owner.Name == framework;
    }

    /// <summary>
    /// Names the cause of a generated run's error: the axis value whose path the error's field is on, else the
    /// framework entry (its options), else the base spec; the framework label says which run kind refused it.
    /// </summary>
    private static SpecError Attribute(SpecError error, int frameworkIndex, StudyFramework framework, IReadOnlyList<(StudyAxis Axis, int AxisIndex, int ValueIndex)> setting)
    {
        foreach (var (axis, axisIndex, valueIndex) in setting)
        {
            if (Related(error.Field, axis.Path))
            {
                return new SpecError($"axes[{axisIndex}].values[{valueIndex}]",
                    $"{axis.Path}={StudyAxis.Text(axis.Values[valueIndex])} with {framework.Label}: {error.Field}: {error.Message}");
            }
        }
        var root = error.Field.Split('.', '[')[0];
        if (framework.Options.ContainsKey(root))
        {
            return new SpecError($"frameworks[{frameworkIndex}].{error.Field}", $"{error.Message} (with {framework.Label})");
        }
        var where = setting.Count == 0 ? "" : $" (with {string.Join(", ", setting.Select(s => $"{s.Axis.Path}={StudyAxis.Text(s.Axis.Values[s.ValueIndex])}"))})";
        return new SpecError($"base.{error.Field}", $"{error.Message} — for {framework.Label}{where}");
    }

    private static bool Related(string field, string path) =>
        field == path || field.StartsWith(path + ".", StringComparison.Ordinal) || field.StartsWith(path + "[", StringComparison.Ordinal)
        || path.StartsWith(field + ".", StringComparison.Ordinal);

    private static IEnumerable<int[]> Product(IReadOnlyList<int> sizes)
    {
        var index = new int[sizes.Count];
        while (true)
        {
            yield return (int[])index.Clone();
            int k = sizes.Count - 1;
            while (k >= 0 && ++index[k] == sizes[k])
            {
                index[k] = 0;
                k--;
            }
            if (k < 0)
            {
                yield break;
            }
        }
    }

    private static string Truncate(string name) => name.Length <= 200 ? name : name[..200];
}
