using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedLab.Web.Views;

/// <summary>
/// The fields (JSON paths) whose values differ between specs, with each spec's value ("–" where a spec does
/// not have the field). Everything the specs share is left out.
/// </summary>
public static class SpecDiff
{
    public sealed record Row(string Field, IReadOnlyList<string> Values);

    public static IReadOnlyList<Row> Compare(IReadOnlyList<string> specJsons)
    {
        var flat = specJsons.Select(Flatten).ToList();
        var fields = flat.SelectMany(f => f.Keys).Distinct().OrderBy(Order).ThenBy(f => f, StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var field in fields)
        {
            var values = flat.Select(f => f.GetValueOrDefault(field) ?? "–").ToList();
            if (values.Distinct(StringComparer.Ordinal).Count() > 1)
            {
                rows.Add(new Row(field, values));
            }
        }
        return rows;
    }

    public static Dictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonNode.Parse(json), "", result);
        return result;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    Walk(child, path.Length == 0 ? key : $"{path}.{key}", into);
                }
                break;
            case JsonArray a:
                into[path] = a.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
                break;
            case JsonValue v:
                into[path] = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
                break;
            default:
                into[path] = "null";
                break;
        }
    }

    // The run's identity first, then the sections in the order a spec reads.
    private static int Order(string field) => field.Split('.')[0] switch
    {
        "name" => 0,
        "framework" => 1,
        "model" => 2,
        "dataset" => 3,
        "partition" => 4,
        "fineTune" => 6,
        "training" => 7,
        "seed" => 8,
        "device" => 9,
        _ => 5,
    };
}
