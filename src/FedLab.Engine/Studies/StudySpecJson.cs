using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>
/// Parses a study strictly (unknown or duplicate fields, wrong types and missing fields are errors at their path):
/// <code>
/// { "name": "...", "description": "...", "base": { run spec },
///   "frameworks": [ "fedllm", { "framework": "split", "label": "SplitFed", "split": { "variant": "splitfed" } } ],
///   "axes": [ { "path": "partition.alpha", "values": [0.1, 1.0] }, { "path": "split.cutLayer", "values": [1, 2] } ],
///   "seeds": [1, 2, 3], "targetAccuracy": 0.7 }
/// </code>
/// </summary>
public static class StudySpecJson
{
    private static readonly string[] TopLevel = ["$schema", "name", "description", "base", "frameworks", "axes", "seeds", "targetAccuracy"];

    public static StudySpec Parse(string json)
    {
        JsonNode? root;
        try
        {
            using (var document = JsonDocument.Parse(json, RunSpecJson.DocumentOptions))
            {
                var duplicates = new List<SpecError>();
                FindDuplicates(document.RootElement, "", duplicates);
                if (duplicates.Count > 0)
                {
                    throw new RunSpecException(duplicates);
                }
            }
            root = JsonNode.Parse(json, documentOptions: RunSpecJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RunSpecException([RunSpecJson.Describe(ex)]);
        }
        if (root is not JsonObject obj)
        {
            throw new RunSpecException([new SpecError("$", "a study must be a JSON object with name, base, frameworks, axes and seeds")]);
        }
        var errors = new List<SpecError>();
        errors.AddRange(obj.Where(p => !TopLevel.Contains(p.Key))
            .Select(p => new SpecError(p.Key, $"unknown field (a study has {string.Join(", ", TopLevel.Skip(1))})")));

        string? name = ReadString(obj, "name", errors, required: true);
        string? description = ReadString(obj, "description", errors, required: false);
        var baseSpec = obj["base"] as JsonObject;
        if (baseSpec is null)
        {
            errors.Add(new SpecError("base", "missing: a complete run spec (an object)"));
        }
        var frameworks = ReadFrameworks(obj["frameworks"], errors);
        var axes = ReadAxes(obj["axes"], errors);
        var seeds = ReadSeeds(obj["seeds"], errors);
        double? target = null;
        if (obj["targetAccuracy"] is { } t)
        {
            if (t is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is var d && d > 0 && d <= 1)
            {
                target = d;
            }
            else
            {
                errors.Add(new SpecError("targetAccuracy", "must be a number in (0, 1]"));
            }
        }
        if (errors.Count > 0)
        {
            throw new RunSpecException(errors);
        }
        var clone = (JsonObject)baseSpec!.DeepClone();
        clone.Remove("$schema");
        return new StudySpec
        {
            Name = name!,
            Description = description,
            Base = clone,
            Frameworks = frameworks,
            Axes = axes,
            Seeds = seeds,
            TargetAccuracy = target,
        };
    }

    /// <summary>The study as JSON (the form <see cref="Parse"/> reads), for the store and the output folder.</summary>
    public static string Serialize(StudySpec spec)
    {
        var root = new JsonObject
        {
            ["name"] = spec.Name,
            ["base"] = spec.Base.DeepClone(),
            ["frameworks"] = new JsonArray([.. spec.Frameworks.Select(f =>
            {
                var o = new JsonObject { ["framework"] = f.Framework, ["label"] = f.Label };
                foreach (var (k, v) in f.Options)
                {
                    o[k] = v?.DeepClone();
                }
                return (JsonNode)o;
            })]),
            ["axes"] = new JsonArray([.. spec.Axes.Select(a =>
            {
                var o = new JsonObject { ["path"] = a.Path, ["values"] = new JsonArray([.. a.Values.Select(v => v?.DeepClone())]) };
                if (a.AppliesTo is not null)
                {
                    o["frameworks"] = new JsonArray([.. a.AppliesTo.Select(f => (JsonNode)f)]);
                }
                return (JsonNode)o;
            })]),
            ["seeds"] = new JsonArray([.. spec.Seeds.Select(s => (JsonNode)s)]),
        };
        if (spec.Description is not null)
        {
            root["description"] = spec.Description;
        }
        if (spec.TargetAccuracy is double t)
        {
            root["targetAccuracy"] = t;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void FindDuplicates(JsonElement element, string path, List<SpecError> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (!seen.Add(property.Name))
                {
                    errors.Add(new SpecError(child, "duplicate field"));
                }
                FindDuplicates(property.Value, child, errors);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindDuplicates(item, $"{path}[{i++}]", errors);
            }
        }
    }

    private static string? ReadString(JsonObject obj, string field, List<SpecError> errors, bool required)
    {
        var node = obj[field];
        if (node is null)
        {
            if (required)
            {
                errors.Add(new SpecError(field, "missing: a non-empty string"));
            }
            return null;
        }
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetValue<string>()))
        {
            errors.Add(new SpecError(field, "must be a non-empty string"));
            return null;
        }
        var text = v.GetValue<string>().Trim();
        if (text.Length > 200 && field == "name")
        {
            errors.Add(new SpecError(field, "must be at most 200 characters"));
        }
        return text;
    }

    private static List<StudyFramework> ReadFrameworks(JsonNode? node, List<SpecError> errors)
    {
        var names = string.Join(", ", FrameworkRegistry.Names);
        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add(new SpecError("frameworks", $"must be a non-empty array of frameworks ({names}), each a name or {{\"framework\": name, \"label\": ..., <its options section>}}"));
            return [];
        }
        var result = new List<StudyFramework>();
        for (int i = 0; i < array.Count; i++)
        {
            var at = $"frameworks[{i}]";
            string? kind;
            string? label = null;
            var options = new JsonObject();
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                kind = v.GetValue<string>();
            }
            else if (array[i] is JsonObject o)
            {
                kind = o["framework"] is JsonValue fv && fv.GetValueKind() == JsonValueKind.String ? fv.GetValue<string>() : null;
                if (kind is null)
                {
                    errors.Add(new SpecError(at + ".framework", $"missing: one of {names}"));
                    continue;
                }
                if (o["label"] is { } l)
                {
                    label = l is JsonValue lv && lv.GetValueKind() == JsonValueKind.String ? lv.GetValue<string>().Trim() : null;
                    if (string.IsNullOrEmpty(label) || label.Length > 40)
                    {
                        errors.Add(new SpecError(at + ".label", "must be a string of 1 to 40 characters"));
                    }
                }
                foreach (var (key, value) in o)
                {
                    if (key is "framework" or "label")
                    {
                        continue;
                    }
                    if (key is "fineTune" or "training" or "availability" or "privacy" or "secureAggregation" or "robust" or "attack" || FrameworkRegistry.BySection(key) is not null)
                    {
                        options[key] = value?.DeepClone();
                    }
                    else
                    {
                        errors.Add(new SpecError($"{at}.{key}", "unknown field: a framework entry holds framework, label and option sections (fedLlm, kd, split, fineTune, training, availability, privacy, secureAggregation, robust, attack)"));
                    }
                }
            }
            else
            {
                errors.Add(new SpecError(at, $"must be a framework name ({names}) or an object with framework"));
                continue;
            }
            var descriptor = FrameworkRegistry.Find(kind);
            if (descriptor is null)
            {
                errors.Add(new SpecError(at, $"unknown framework '{kind}'; use one of {names}"));
                continue;
            }
            label ??= descriptor.DisplayName;
            if (result.Any(f => f.Label == label))
            {
                errors.Add(new SpecError(at + ".label", $"'{label}' is used by another framework entry; give each a distinct label"));
            }
            result.Add(new StudyFramework(descriptor.Name, label, options));
        }
        return result;
    }

    private static List<StudyAxis> ReadAxes(JsonNode? node, List<SpecError> errors)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not JsonArray array)
        {
            errors.Add(new SpecError("axes", "must be an array of {\"path\": \"partition.alpha\", \"values\": [...]}"));
            return [];
        }
        var axes = new List<StudyAxis>();
        for (int i = 0; i < array.Count; i++)
        {
            var at = $"axes[{i}]";
            if (array[i] is not JsonObject o)
            {
                errors.Add(new SpecError(at, "must be an object with path and values"));
                continue;
            }
            foreach (var (key, _) in o.Where(p => p.Key is not ("path" or "values" or "frameworks")))
            {
                errors.Add(new SpecError($"{at}.{key}", "unknown field (an axis has path, values and optionally frameworks)"));
            }
            var path = o["path"] is JsonValue pv && pv.GetValueKind() == JsonValueKind.String ? pv.GetValue<string>().Trim() : null;
            if (string.IsNullOrEmpty(path) || path.Split('.').Any(p => p.Length == 0))
            {
                errors.Add(new SpecError(at + ".path", "must be a spec field path such as partition.alpha"));
                continue;
            }
            if (path is "seed" or "framework" or "name")
            {
                errors.Add(new SpecError(at + ".path", $"'{path}' cannot be an axis: seeds and frameworks have their own lists, and names are generated"));
                continue;
            }
            if (axes.Any(a => a.Path == path))
            {
                errors.Add(new SpecError(at + ".path", $"'{path}' is already an axis"));
                continue;
            }
            if (o["values"] is not JsonArray values || values.Count == 0)
            {
                errors.Add(new SpecError(at + ".values", "must be a non-empty array of values"));
                continue;
            }
            var distinct = values.Select(v => v?.ToJsonString()).ToList();
            if (distinct.Distinct().Count() != distinct.Count)
            {
                errors.Add(new SpecError(at + ".values", "lists a value twice"));
            }
            List<string>? applies = null;
            if (o["frameworks"] is { } f)
            {
                applies = [];
                if (f is not JsonArray fa || fa.Count == 0)
                {
                    errors.Add(new SpecError(at + ".frameworks", "must be a non-empty array of framework names"));
                }
                else
                {
                    foreach (var item in fa)
                    {
                        var n = item is JsonValue iv && iv.GetValueKind() == JsonValueKind.String ? iv.GetValue<string>() : null;
                        if (FrameworkRegistry.Find(n) is null)
                        {
                            errors.Add(new SpecError(at + ".frameworks", $"unknown framework {item?.ToJsonString()}; use one of {string.Join(", ", FrameworkRegistry.Names)}"));
                        }
                        else
                        {
                            applies.Add(n!);
                        }
                    }
                }
            }
            axes.Add(new StudyAxis(path, [.. values.Select(v => v?.DeepClone())], applies));
        }
        return axes;
    }

    private static List<int> ReadSeeds(JsonNode? node, List<SpecError> errors)
    {
        if (node is not JsonArray array || array.Count == 0 || array.Count > 50)
        {
            errors.Add(new SpecError("seeds", "must be an array of 1 to 50 integer seeds, for example [1, 2, 3]"));
            return [];
        }
        var seeds = new List<int>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var s) && s >= 0)
            {
                if (seeds.Contains(s))
                {
                    errors.Add(new SpecError($"seeds[{i}]", $"seed {s} is listed twice"));
                }
                seeds.Add(s);
            }
            else
            {
                errors.Add(new SpecError($"seeds[{i}]", "must be a non-negative integer"));
            }
        }
        return seeds;
    }
}
