using System.Globalization;
using System.Text.Json;
using FedLab.Data.Queries;
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

    /// <summary>Derived from the spec's JSON, so it works for frameworks this dashboard was not written for.</summary>
    public static string Describe(string specJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(specJson);
            var root = doc.RootElement;
            var parts = new List<string>();
            var framework = root.TryGetProperty("framework", out var f) ? f.GetString() ?? "" : "";
            var section = FrameworkCatalog.Find(framework)?.SectionName;
            if (framework == "fedllm")
            {
                parts.Add(FedLlmVariant(section is not null && root.TryGetProperty(section, out var o) ? o : default));
            }
            else if (section is not null && root.TryGetProperty(section, out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("variant", out var variant) && variant.ValueKind == JsonValueKind.String)
            {
                parts.Add(variant.GetString()!);
            }
            parts.Add(FineTune(root));
            return string.Join(" · ", parts.Where(p => p.Length > 0));
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string FedLlmVariant(JsonElement options)
    {
        string optimizer = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("serverOptimizer", out var so) ? so.GetString() ?? "none" : "none";
        double mu = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("proxMu", out var m) && m.TryGetDouble(out var v) ? v : 0;
        var name = optimizer switch { "adam" => "FedAdam", "avgm" => "FedAvgM", _ => "FedAvg" };
        return mu > 0 ? $"{name} + FedProx μ={mu.ToString("G3", CultureInfo.InvariantCulture)}" : name;
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
