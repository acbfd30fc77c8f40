using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>
/// What the dashboard's study form holds before it becomes a study: a base run spec (JSON, for example a stored run's
/// spec), the frameworks ticked, axes as a path and comma-separated values, seeds as text and a target. <see cref="ToJson"/>
/// writes the study JSON that <see cref="StudySpecJson.Parse"/> reads (so the form, the REST API and the CLI share one
/// record); the text fields' own mistakes (a seed that is not an integer, an axis without values) are errors at the
/// form's field, and everything else is left to the strict parser and the run validator.
/// </summary>
public sealed class StudyDraft
{
    /// <summary>Axis paths a researcher reaches for first; any spec field path is accepted.</summary>
    public static IReadOnlyList<(string Path, string Hint)> SuggestedAxes { get; } =
    [
        ("partition.alpha", "label skew (Dirichlet α; smaller is more skewed)"),
        ("partition.clients", "number of clients"),
        ("training.rounds", "rounds"),
        ("training.localSteps", "local steps per round"),
        ("training.learningRate", "learning rate"),
        ("training.clientFraction", "fraction of clients per round"),
        ("fineTune.lora.rank", "LoRA rank"),
        ("split.cutLayer", "cut layer (split runs only)"),
        ("kd.publicSize", "public set size (KD runs only)"),
        ("kd.distillationSteps", "distillation steps (KD runs only)"),
        ("availability.dropout", "client dropout probability"),
        ("dataset.maxTokens", "tokens per example"),
    ];

    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string BaseJson { get; set; } = "";
    public List<string> Frameworks { get; } = [];
    public List<DraftAxis> Axes { get; } = [];
    public string Seeds { get; set; } = "1, 2, 3";
    public double? TargetAccuracy { get; set; }

    /// <summary>The study JSON, or the form's errors (by field: "name", "base", "axes[1].values", "seeds").</summary>
    public (string? Json, IReadOnlyList<SpecError> Errors) ToJson()
    {
        var errors = new List<SpecError>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add(new SpecError("name", "missing: give the study a name"));
        }
        JsonObject? baseSpec = null;
        try
        {
            baseSpec = JsonNode.Parse(BaseJson, documentOptions: RunSpecJson.DocumentOptions) as JsonObject;
            if (baseSpec is null)
            {
                errors.Add(new SpecError("base", "must be a run spec: a JSON object"));
            }
        }
        catch (JsonException ex)
        {
            var e = RunSpecJson.Describe(ex);
            errors.Add(new SpecError("base", $"is not valid JSON: {e.Message}"));
        }
        if (Frameworks.Count == 0)
        {
            errors.Add(new SpecError("frameworks", "tick at least one framework"));
        }
        var axes = new JsonArray();
        for (int i = 0; i < Axes.Count; i++)
        {
            var axis = Axes[i];
            if (string.IsNullOrWhiteSpace(axis.Path))
            {
                errors.Add(new SpecError($"axes[{i}].path", "missing: a spec field path such as partition.alpha"));
                continue;
            }
            var values = ParseValues(axis.Values);
            if (values.Count == 0)
            {
                errors.Add(new SpecError($"axes[{i}].values", $"give {axis.Path.Trim()} at least one value, separated by commas"));
                continue;
            }
            axes.Add(new JsonObject { ["path"] = axis.Path.Trim(), ["values"] = new JsonArray([.. values]) });
        }
        var seeds = new JsonArray();
        foreach (var token in Tokens(Seeds))
        {
            if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed))
            {
                seeds.Add(seed);
            }
            else
            {
                errors.Add(new SpecError("seeds", $"'{token}' is not an integer seed (write seeds as 1, 2, 3)"));
            }
        }
        if (seeds.Count == 0 && !errors.Any(e => e.Field == "seeds"))
        {
            errors.Add(new SpecError("seeds", "give at least one seed (for example 1, 2, 3: three seeds give confidence intervals)"));
        }
        if (TargetAccuracy is double t && !(t > 0 && t <= 1))
        {
            errors.Add(new SpecError("targetAccuracy", "must be in (0, 1], for example 0.8; leave it empty for none"));
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        baseSpec!.Remove("$schema");
        var root = new JsonObject { ["name"] = Name.Trim() };
        if (!string.IsNullOrWhiteSpace(Description))
        {
            root["description"] = Description.Trim();
        }
        root["base"] = baseSpec;
        root["frameworks"] = new JsonArray([.. Frameworks.Distinct(StringComparer.Ordinal).Select(f => (JsonNode)f)]);
        root["axes"] = axes;
        root["seeds"] = seeds;
        if (TargetAccuracy is double target)
        {
            root["targetAccuracy"] = target;
        }
        return (root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), []);
    }

    /// <summary>
    /// A draft from a stored run's spec JSON: its name, its framework ticked, no axes yet. A fork section is dropped (a
    /// study's runs start from the model, not from one run's weights).
    /// </summary>
    public static StudyDraft FromRun(string specJson, string runName)
    {
        var spec = JsonNode.Parse(specJson, documentOptions: RunSpecJson.DocumentOptions) as JsonObject
            ?? throw new ArgumentException("a run spec is a JSON object", nameof(specJson));
        spec.Remove("fork");
        spec.Remove("$schema");
        var draft = new StudyDraft
        {
            Name = $"Study of {runName}",
            BaseJson = spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
        };
        if (spec["framework"] is JsonValue f && f.TryGetValue<string>(out var framework))
        {
            draft.Frameworks.Add(framework);
        }
        return draft;
    }

    /// <summary>"0.1, 1" → [0.1, 1]; true/false → booleans; anything else a string ("splitfed").</summary>
    public static List<JsonNode?> ParseValues(string? text)
    {
        var values = new List<JsonNode?>();
        foreach (var token in Tokens(text))
        {
            if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole))
            {
                values.Add(whole);
            }
            else if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                values.Add(number);
            }
            else if (token is "true" or "false")
            {
                values.Add(token == "true");
            }
            else
            {
                values.Add(token.Trim('"'));
            }
        }
        return values;
    }

    private static IEnumerable<string> Tokens(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(t => t.Length > 0);
}

/// <summary>One axis row of the form: a spec field path and its values as comma-separated text.</summary>
public sealed class DraftAxis
{
    public string Path { get; set; } = "";
    public string Values { get; set; } = "";
}
