using System.Text.Json.Nodes;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>Sets a value at a dotted spec path ("fineTune.lora.rank") in a spec's JSON, creating missing sections.</summary>
public static class SpecPath
{
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        if (parts.Any(p => p.Length == 0))
        {
            throw new RunSpecException([new SpecError(path, $"'{path}' is not a field path (for example partition.alpha)")]);
        }
        var node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            node = node[parts[i]] switch
            {
                null => (JsonObject)(node[parts[i]] = new JsonObject()),
                JsonObject child => child,
                _ => throw new RunSpecException([new SpecError(string.Join('.', parts[..(i + 1)]), $"'{string.Join('.', parts[..(i + 1)])}' is a value, not a section, so {path} cannot be set")]),
            };
        }
        node[parts[^1]] = value?.DeepClone();
    }

    /// <summary>Objects merge key by key; anything else replaces the target's value.</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
