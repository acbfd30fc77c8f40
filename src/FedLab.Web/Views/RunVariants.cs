using System.Text.Json;
using FedLab.Data.Queries;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;
using FedLab.Web.Specs;

namespace FedLab.Web.Views;

/// <summary>
/// The "variant" shown beside a run's framework (FedAvg, FedAdam + FedProx, a KD or split variant, the
/// fine-tuning mode), read from the stored specs of one page of runs in one query.
/// </summary>
public sealed class RunVariants(RunPageQueries queries)
{
    public async Task<IReadOnlyDictionary<Guid, string>> DescribeAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct) =>
        (await SpecJsonAsync(runIds, ct)).ToDictionary(s => s.Key, s => Describe(s.Value));

    /// <summary>The stored spec JSON of several runs in one query (no rounds read).</summary>
    public Task<IReadOnlyDictionary<Guid, string>> SpecJsonAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct) =>
        queries.GetSpecJsonAsync(runIds, ct);

    /// <summary>
    /// The framework's own variant text (its descriptor's <see cref="FrameworkDescriptor.Variant"/>) and the fine-tuning
    /// mode. A stored spec this build cannot parse (a framework no longer registered) falls back to its JSON
    /// <c>variant</c> field.
    /// </summary>
    public static string Describe(string specJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(specJson);
            var root = doc.RootElement;
            var parts = new List<string> { Variant(specJson, root), FineTune(root) };
            return string.Join(" · ", parts.Where(p => p.Length > 0));
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string Variant(string specJson, JsonElement root)
    {
        try
        {
            var spec = RunSpecJson.Parse(specJson);
            if (FrameworkRegistry.Find(spec.Framework) is { } framework)
            {
                var realism = Engine.Federation.RealismSummary.Describe(spec);
                return realism.Length == 0 ? framework.Variant(spec) : $"{framework.Variant(spec)}; {realism}";
            }
        }
        catch (RunSpecException)
        {
            // an old or foreign spec: read what it says
        }
        var name = root.TryGetProperty("framework", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var section = FrameworkCatalog.Find(name)?.SectionName;
        return section is not null && root.TryGetProperty(section, out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("variant", out var variant) && variant.ValueKind == JsonValueKind.String ? variant.GetString()! : "";
    }

    private static string FineTune(JsonElement root)
    {
        if (!root.TryGetProperty("fineTune", out var ft) || ft.ValueKind != JsonValueKind.Object)
        {
            return "LoRA";
        }
        var mode = ft.TryGetProperty("mode", out var md) ? md.GetString() : "lora";
        if (mode != "lora")
        {
            return mode ?? "";
        }
        return ft.TryGetProperty("lora", out var lora) && lora.TryGetProperty("rank", out var r) ? $"LoRA r={r.GetRawText()}" : "LoRA";
    }
}
