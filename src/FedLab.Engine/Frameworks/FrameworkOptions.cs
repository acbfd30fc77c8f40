using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// Reads a framework's options section from a spec. The built-in frameworks' sections are typed properties of
/// <see cref="RunSpec"/> (fedLlm, kd, split: the JSON format of every stored spec); a registered framework's section is
/// kept as JSON in <see cref="RunSpec.Sections"/> and read strictly into its <see cref="FrameworkDescriptor.OptionsType"/>.
/// </summary>
public static class FrameworkOptions
{
    /// <summary>The options of <paramref name="descriptor"/> in <paramref name="spec"/> (its defaults when the section is absent).</summary>
    public static T Get<T>(RunSpec spec, FrameworkDescriptor descriptor) where T : class =>
        descriptor is IBuiltInOptions builtIn ? (T)builtIn.Options(spec) : (T)FromSection(spec, descriptor);

    /// <summary>The section as the descriptor's options type; throws <see cref="JsonException"/> naming the field when it does not fit.</summary>
    public static object FromSection(RunSpec spec, FrameworkDescriptor descriptor)
    {
        var type = descriptor.OptionsType ?? throw new InvalidOperationException($"framework '{descriptor.Name}' has no options");
        if (descriptor.OptionsSection is string section && spec.Sections?.TryGetValue(section, out var json) == true)
        {
            return json.Deserialize(type, RunSpecJson.Options) ?? throw new JsonException($"'{section}' must be an object, not null");
        }
        return Activator.CreateInstance(type) ?? throw new InvalidOperationException($"{type.Name} needs a parameterless constructor");
    }

    /// <summary>The spec's own top-level fields, which no framework section may take.</summary>
    public static bool IsReservedSection(string name) =>
        ((JsonTypeInfo)RunSpecJson.Options.GetTypeInfo(typeof(RunSpec))).Properties.Any(p => p.Name == name);

    /// <summary>
    /// Problems with the spec's extra sections: a section no registered framework owns is an unknown field; a section
    /// whose JSON does not fit its options type is reported at the field, like the rest of the spec.
    /// </summary>
    public static IEnumerable<SpecError> CheckSections(RunSpec spec)
    {
        foreach (var (section, _) in spec.Sections ?? [])
        {
            var owner = FrameworkRegistry.BySection(section);
            if (owner is null)
            {
                yield return new SpecError(section, "unknown field");
                continue;
            }
            SpecError? problem = null;
            try
            {
                FromSection(spec, owner);
            }
            catch (JsonException ex)
            {
                problem = RunSpecJson.Describe(ex, section);
            }
            if (problem is not null)
            {
                yield return problem;
            }
        }
    }
}
