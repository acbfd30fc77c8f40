using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// A comparison: one base run spec and the runs that differ from it only where frameworks must differ.
/// <code>
/// { "name": "...", "base": { a complete run spec }, "runs": [ { "label": "KD", "framework": "kd", "kd": { ... } }, ... ] }
/// </code>
/// Each run may set only framework, name, fineTune, the frameworks' option sections, the realistic-client sections, the
/// speed sections (precision, clientBatching, evaluation) and training.learningRate; objects merge into
/// the base's, other values replace them. Model, dataset, partition, seed and the rest of training always come
/// from the base, so the runs stay comparable. Every merged spec goes through the same strict parsing
/// (<see cref="RunSpecJson"/>) and validation as any run; errors name the field ("runs[2].kd.topK: ...").
/// </summary>
internal static class CompareFile
{
    public const int MaxRuns = 20;
    private static readonly string[] TopLevel = ["name", "base", "runs"];
    private static IEnumerable<string> Overridable =>
        ["label", "framework", "name", "fineTune", "training", .. FrameworkRegistry.All.Select(f => f.OptionsSection).OfType<string>(), .. RealismSections, .. SpeedSections];

    /// <summary>The realistic-client sections a compared run may set, to compare privacy levels, dropout rates, robust rules.</summary>
    private static readonly string[] RealismSections = ["availability", "privacy", "secureAggregation", "robust", "attack"];

    /// <summary>Issue 16's speed levers, to compare fp32 with bf16, sequential with batched clients, evaluation schedules.</summary>
    private static readonly string[] SpeedSections = ["precision", "clientBatching", "evaluation"];

    public static (string Name, IReadOnlyList<CompareRun> Runs) Parse(string json, RunSpecValidator? validator = null)
    {
        validator ??= new RunSpecValidator();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, RunSpecJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RunSpecException([new SpecError("$", $"not valid JSON: {FirstSentence(ex.Message)}")]);
        }
        using (document)
        {
            var errors = new List<SpecError>();
            FindDuplicates(document.RootElement, "", errors);
            if (errors.Count > 0)
            {
                throw new RunSpecException(errors);
            }
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RunSpecException([new SpecError("$", "must be an object with base and runs")]);
            }
            errors.AddRange(root.EnumerateObject().Where(p => !TopLevel.Contains(p.Name)).Select(p => new SpecError(p.Name, "unknown field (use name, base and runs)")));
            string name = "compare";
            if (root.TryGetProperty("name", out var nameElement))
            {
                if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
                {
                    errors.Add(new SpecError("name", "must be a non-empty string"));
                }
                else
                {
                    name = nameElement.GetString()!;
                }
            }
            if (!root.TryGetProperty("base", out var baseElement) || baseElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new SpecError("base", "missing required field: a complete run spec (an object)"));
            }
            if (!root.TryGetProperty("runs", out var runsElement) || runsElement.ValueKind != JsonValueKind.Array
                || runsElement.GetArrayLength() is 0 or > MaxRuns)
            {
                errors.Add(new SpecError("runs", $"must be an array of 1 to {MaxRuns} runs"));
            }
            if (errors.Count > 0)
            {
                throw new RunSpecException(errors);
            }

            // The base must stand on its own, or every run would repeat its problems.
            var baseJson = baseElement.GetRawText();
            Check(() => RunSpecJson.ParseAndValidate(baseJson, validator), "base.", errors);
            if (errors.Count > 0)
            {
                throw new RunSpecException(errors);
            }

            var runs = new List<CompareRun>();
            int index = 0;
            foreach (var run in runsElement.EnumerateArray())
            {
                var prefix = $"runs[{index++}]";
                if (ParseRun(run, prefix, baseElement, name, validator, errors) is { } parsed)
                {
                    if (runs.Any(r => r.Label == parsed.Label))
                    {
                        errors.Add(new SpecError(prefix + ".label", $"'{parsed.Label}' is used by another run"));
                    }
                    runs.Add(parsed);
                }
            }
            return errors.Count > 0 ? throw new RunSpecException(errors) : (name, runs);
        }
    }

    private static CompareRun? ParseRun(JsonElement run, string prefix, JsonElement baseElement, string compareName, RunSpecValidator validator, List<SpecError> errors)
    {
        int before = errors.Count;
        if (run.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SpecError(prefix, "must be an object with label and framework"));
            return null;
        }
        foreach (var property in run.EnumerateObject().Where(p => !Overridable.Contains(p.Name)))
        {
            errors.Add(new SpecError($"{prefix}.{property.Name}",
                "a run may set only label, framework, name, fineTune, fedLlm, kd, split, availability, privacy, secureAggregation, robust, attack, precision, clientBatching, evaluation and training.learningRate; model, dataset, partition, seed and the rest of training come from base, so the runs stay comparable"));
        }
        if (run.TryGetProperty("training", out var training))
        {
            if (training.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new SpecError(prefix + ".training", "must be an object holding only learningRate"));
            }
            else
            {
                errors.AddRange(training.EnumerateObject().Where(p => p.Name != "learningRate")
                    .Select(p => new SpecError($"{prefix}.training.{p.Name}", "only training.learningRate may differ between compared runs")));
            }
        }
        string? label = run.TryGetProperty("label", out var labelElement) && labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString()?.Trim() : null;
        if (string.IsNullOrEmpty(label) || label.Length > 40)
        {
            errors.Add(new SpecError(prefix + ".label", "must be a string of 1 to 40 characters"));
        }
        if (!run.TryGetProperty("framework", out _))
        {
            errors.Add(new SpecError(prefix + ".framework", "missing required field (fedllm, kd, split or centralized)"));
        }
        if (errors.Count > before)
        {
            return null;
        }

        var merged = (JsonObject)JsonNode.Parse(baseElement.GetRawText())!;
        var overrides = (JsonObject)JsonNode.Parse(run.GetRawText())!;
        overrides.Remove("label");
        if (!overrides.ContainsKey("name"))
        {
            merged["name"] = Truncate($"{compareName}: {label}", 200);
        }
        Merge(merged, overrides);
        RunSpec? spec = null;
        Check(() => spec = RunSpecJson.ParseAndValidate(merged.ToJsonString(), validator), prefix + ".", errors);
        return spec is null ? null : new CompareRun(label!, spec);
    }

    /// <summary>Objects merge key by key; anything else replaces the base's value.</summary>
    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value;
            }
        }
    }

    private static void Check(Action parse, string prefix, List<SpecError> errors)
    {
        try
        {
            parse();
        }
        catch (RunSpecException ex)
        {
            errors.AddRange(ex.Errors.Select(e => e with { Field = e.Field == "$" ? prefix.TrimEnd('.') : prefix + e.Field }));
        }
    }

    /// <summary>A duplicate key is an error here as in run specs (JsonDocument would quietly keep both).</summary>
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

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
