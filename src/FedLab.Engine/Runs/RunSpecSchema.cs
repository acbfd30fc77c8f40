using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using FedLab.Engine.Frameworks;

namespace FedLab.Engine.Runs;

/// <summary>
/// The JSON Schema (draft 2020-12) of a run spec, generated from the records with System.Text.Json's schema exporter
/// under the parser's own options, so it cannot drift from what <see cref="RunSpecJson.Parse"/> accepts: camelCase
/// names, enums as their names, numbers as numbers only, required fields required, and no unknown field at any level
/// (<c>additionalProperties: false</c>). Registered frameworks' own sections are properties too, and <c>"$schema"</c>
/// is allowed at the top so an editor can be pointed at it. The repository ships the result as
/// <c>schemas/run-spec.schema.json</c> (a test keeps it equal to this), the API serves it at
/// <c>/api/schema/run-spec.json</c>.
/// </summary>
public static class RunSpecSchema
{
    public const string Id = "https://fedlab.local/schemas/run-spec.schema.json";

    public static JsonObject Generate()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is JsonObject obj && obj.ContainsKey("properties") && context.TypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
                {
                    obj["additionalProperties"] = false;
                }
                return node;
            },
        };
        var schema = (JsonObject)RunSpecJson.Options.GetJsonSchemaAsNode(typeof(RunSpec), exporter);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "FedLab run spec",
            ["description"] = "One federated fine-tuning run: model, dataset, partition, framework and its options, training, seed. See docs/frameworks.md.",
        };
        foreach (var (key, value) in schema)
        {
            root[key] = value?.DeepClone();
        }
        var properties = (JsonObject)root["properties"]!;
        // The extension-data member is not a field a user writes; the sections of registered frameworks are.
        properties.Remove("sections");
        properties["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "the schema this file follows (ignored by FedLab)" };
        foreach (var framework in FrameworkRegistry.All)
        {
            if (framework.OptionsSection is string section && framework.OptionsType is Type type && !properties.ContainsKey(section))
            {
                properties[section] = RunSpecJson.Options.GetJsonSchemaAsNode(type, exporter);
            }
        }
        // What an editor can offer for the names the validator checks against this build's registries.
        properties["framework"]!["enum"] = new JsonArray([.. FrameworkRegistry.Names.Select(n => (JsonNode?)JsonValue.Create(n))]);
        properties["model"]!["examples"] = new JsonArray([.. Models.ModelCatalog.Ids.Select(n => (JsonNode?)JsonValue.Create(n))]);
        root["additionalProperties"] = false;
        return root;
    }

    /// <summary>The schema as the repository and the API hold it (indented, "\n" line ends, final newline).</summary>
    public static string GenerateText() =>
        Generate().ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
}
