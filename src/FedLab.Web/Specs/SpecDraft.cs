using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// The New run form's model: the spec as a JSON tree, edited field by field by JSON path
/// ("partition.clients"). Validation is the engine's own (parse the JSON strictly, then RunSpecValidator), so
/// the form shows exactly the messages the API and the CLI give, at the field they name; and a framework's
/// options section is edited generically, whatever fields it has.
/// </summary>
public sealed class SpecDraft
{
    private readonly JsonObject _root;

    private SpecDraft(JsonObject root) => _root = root;

    public static SpecDraft From(RunSpec spec) => FromJson(RunSpecJson.Serialize(spec));

    /// <summary>Starts from stored JSON and fills every section with its defaults (so the form can show them).</summary>
    public static SpecDraft FromJson(string json)
    {
        var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?.AsObject()
            ?? throw new JsonException("the spec is not a JSON object");
        var draft = new SpecDraft(root);
        try
        {
            // Round-trip through the engine's types: missing optional sections get their defaults.
            var full = RunSpecJson.Parse(json);
            var complete = JsonNode.Parse(RunSpecJson.Serialize(full))!.AsObject();
            foreach (var (key, value) in complete)
            {
                if (!root.ContainsKey(key))
                {
                    root[key] = value?.DeepClone();
                }
            }
        }
        catch (RunSpecException)
        {
            // Not a complete spec: keep what is there; validation will say what is missing.
        }
        return draft;
    }

    public SpecDraft Clone() => new(_root.DeepClone().AsObject());

    public JsonNode? Get(string path)
    {
        JsonNode? node = _root;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    public string? GetString(string path) => Get(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : Get(path)?.ToJsonString();

    public double? GetNumber(string path) => Get(path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture)
        : null;

    public bool? GetBool(string path) => Get(path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public IReadOnlyList<string> GetStrings(string path) =>
        Get(path) is JsonArray a ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString() ?? "")] : [];

    /// <summary>Sets a value (creating the sections on the way); null removes the field.</summary>
    public void Set(string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parent = _root;
        foreach (var part in parts[..^1])
        {
            if (parent[part] is not JsonObject child)
            {
                child = [];
                parent[part] = child;
            }
            parent = child;
        }
        if (value is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = value;
        }
    }

    public void SetString(string path, string? value) => Set(path, value is null ? null : JsonValue.Create(value));

    public void SetNumber(string path, double? value) =>
        Set(path, value is double d ? (d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d)) : null);

    public void SetBool(string path, bool? value) => Set(path, value is bool b ? JsonValue.Create(b) : null);

    public void SetStrings(string path, IEnumerable<string> values) => Set(path, new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]));

    public FrameworkInfo? Framework => GetString("framework") is string f ? FrameworkCatalog.Find(f) : null;

    /// <summary>
    /// The spec as JSON. For one run, without the options sections of frameworks other than the chosen one
    /// (they would be ignored; dropping them keeps stored specs and spec diffs to what matters). For an
    /// experiment (<paramref name="everyFramework"/>), with all of them: each run uses its own.
    /// </summary>
    public string ToJson(bool everyFramework = false)
    {
        var copy = _root.DeepClone().AsObject();
        var chosen = Framework?.SectionName;
        foreach (var section in FrameworkCatalog.SectionNames.Where(s => !everyFramework && s != chosen))
        {
            copy.Remove(section);
        }
        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
