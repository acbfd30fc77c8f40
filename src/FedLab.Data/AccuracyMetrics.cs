using System.Text.Json;

namespace FedLab.Data;

/// <summary>The name of what a run's headline accuracy measures, read from its stored spec.</summary>
public static class AccuracyMetrics
{
    public const string Accuracy = "accuracy";
    public const string ExactMatch = "exact match";

    /// <summary>"exact match" when the spec's task is generative, else "accuracy" (also for a spec that no longer parses).</summary>
    public static string Of(string specJson)
    {
        if (!specJson.Contains("generative", StringComparison.Ordinal))
        {
            return Accuracy; // the common case, without parsing
        }
        try
        {
            using var doc = JsonDocument.Parse(specJson);
            return doc.RootElement.TryGetProperty("task", out var task) && task.ValueKind == JsonValueKind.Object
                && task.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "generative"
                ? ExactMatch
                : Accuracy;
        }
        catch (JsonException)
        {
            return Accuracy;
        }
    }
}
