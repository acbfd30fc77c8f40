using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedLab.Data.Export;

/// <summary>
/// <c>{ "exportedAt", "runs": [ { summary, spec (as stored), evaluation (accuracy source, best round, baseline), facts, classNames, partitions, rounds, clientRounds } ] }</c>;
/// camelCase, enums as names (run status as its lower-case name), traffic as kind name to bytes, NaN as the string "NaN".
/// </summary>
internal static class JsonExport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new RunStatusJsonConverter(), new JsonStringEnumConverter() },
    };

    public static async Task WriteAsync(IReadOnlyList<RunDetail> runs, DateTimeOffset exportedAt, Stream output, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = Options.Encoder });
        json.WriteStartObject();
        json.WriteString("exportedAt", exportedAt);
        json.WriteStartArray("runs");
        foreach (var run in runs)
        {
            json.WriteStartObject();
            json.WritePropertyName("summary");
            JsonSerializer.Serialize(json, run.Summary, Options);
            json.WritePropertyName("spec");
            using (var spec = JsonDocument.Parse(run.SpecJson))
            {
                spec.WriteTo(json);
            }
            json.WritePropertyName("evaluation");
            JsonSerializer.Serialize(json, RunEvaluation.Of(run), Options);
            json.WritePropertyName("facts");
            JsonSerializer.Serialize(json, run.Facts, Options);
            json.WritePropertyName("classNames");
            JsonSerializer.Serialize(json, run.ClassNames, Options);
            json.WritePropertyName("partitions");
            JsonSerializer.Serialize(json, run.Partitions, Options);
            json.WritePropertyName("rounds");
            JsonSerializer.Serialize(json, run.Rounds, Options);
            json.WritePropertyName("clientRounds");
            JsonSerializer.Serialize(json, run.ClientRounds, Options);
            json.WriteEndObject();
            await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }
}
