using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Export;

/// <summary>
/// A run's trained model in the layouts people load outside FedLab, from a run checkpoint:
/// <list type="bullet">
/// <item>LoRA: PEFT's <c>adapter_config.json</c> + <c>adapter_model.safetensors</c> (keys
/// <c>base_model.model.&lt;module&gt;.lora_A.weight</c> [r, in] and <c>.lora_B.weight</c> [out, r], as
/// <c>get_peft_model_state_dict</c> saves them; <c>target_modules</c> lists the exact adapted module paths), loaded with
/// <c>PeftModel.from_pretrained(AutoModel.from_pretrained(base), dir)</c>;</item>
/// <item>full fine-tuning: a Hugging Face <c>model.safetensors</c> + <c>config.json</c> (the family's own config);</item>
/// <item>every mode: the classification head beside it, <c>classification_head.safetensors</c> (<c>weight</c> [classes,
/// hidden], <c>bias</c>) with <c>classification_head.json</c> (pooling, class names, max tokens).</item>
/// </list>
/// The head is FedLab's (mean pooling over real tokens, then a linear layer), not a transformers head class, so it is
/// a file of its own; docs/export.md has the few lines of Python that apply it.
/// </summary>
public static class ModelExport
{
    public const string AdapterConfigFile = "adapter_config.json";
    public const string AdapterWeightsFile = "adapter_model.safetensors";
    public const string ModelWeightsFile = "model.safetensors";
    public const string ModelConfigFile = "config.json";
    public const string HeadWeightsFile = "classification_head.safetensors";
    public const string HeadConfigFile = "classification_head.json";
    public const string ReadmeFile = "README.md";

    private const string BackbonePrefix = "backbone.";
    private const string HeadPrefix = "head.";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The prefix of the model's tensors in a framework's checkpoint: "global." for every framework with a global
    /// model; "client.{k}." for one client's own model (KD without a server model keeps only those).
    /// </summary>
    public static string StatePrefix(int? client) => client is int k ? $"client.{k.ToString(CultureInfo.InvariantCulture)}." : "global.";

    /// <summary>
    /// Writes the export of <paramref name="checkpoint"/> (a run checkpoint of <paramref name="spec"/>) into
    /// <paramref name="directory"/> (created; files of the same names replaced) and returns the files written.
    /// Throws <see cref="ModelExportException"/> with a message for the user when there is nothing to export.
    /// </summary>
    public static IReadOnlyList<string> Write(RunSpec spec, SafeTensorsFile checkpoint, int round, IReadOnlyList<string> classNames,
        string directory, int? client = null)
    {
        var model = ModelCatalog.Find(spec.Model) ?? throw new ModelExportException($"model '{spec.Model}' is not in this build's catalog");
        string prefix = StatePrefix(client);
        var state = checkpoint.Tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => new KeyValuePair<string, Tensor>(t.Key[prefix.Length..], t.Value)).ToList();
        if (state.Count == 0)
        {
            var owners = checkpoint.Tensors.Select(t => t.Key).Where(k => k.StartsWith("client.", StringComparison.Ordinal))
                .Select(k => k.Split('.')[1]).Distinct().Take(5).ToList();
            throw new ModelExportException(client is int k
                ? $"the checkpoint holds no model of client {k}" + (owners.Count > 0 ? $"; clients with a model: {string.Join(", ", owners)}" : "")
                : "the checkpoint holds no global model" + (owners.Count > 0
                    ? $" (the clients keep their own models: export one with a client, e.g. {owners[0]})"
                    : ""));
        }
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var head = state.Where(t => t.Key.StartsWith(HeadPrefix, StringComparison.Ordinal)).ToList();
        var backbone = state.Where(t => t.Key.StartsWith(BackbonePrefix, StringComparison.Ordinal))
            .Select(t => new KeyValuePair<string, Tensor>(t.Key[BackbonePrefix.Length..], t.Value)).ToList();
        string source = $"FedLab run checkpoint, round {round.ToString(CultureInfo.InvariantCulture)}";
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["source"] = source };

        switch (spec.FineTune.Mode)
        {
            case FineTuneKind.Lora:
                var adapter = backbone.Where(t => IsLora(t.Key)).ToList();
                if (adapter.Count == 0)
                {
                    throw new ModelExportException("the checkpoint holds no LoRA adapter tensors");
                }
                written.Add(WriteFile(directory, AdapterWeightsFile,
                    SafeTensors.Serialize(adapter.Select(t => new KeyValuePair<string, Tensor>("base_model.model." + t.Key, t.Value)), metadata)));
                written.Add(WriteText(directory, AdapterConfigFile, AdapterConfig(spec, model, adapter.Select(t => ModulePath(t.Key)))));
                break;
            case FineTuneKind.Full:
                var config = model.Family.HuggingFaceConfig(model)
                    ?? throw new ModelExportException($"the {model.Family.Name} family cannot write a Hugging Face config.json");
                written.Add(WriteFile(directory, ModelWeightsFile, SafeTensors.Serialize(model.Family.HuggingFaceTensors(backbone).ToList(), metadata)));
                written.Add(WriteText(directory, ModelConfigFile, config.ToJsonString(Indented)));
                foreach (var file in model.Family.HuggingFaceFiles(model))
                {
                    var target = Path.Combine(directory, Path.GetFileName(file));
                    File.Copy(file, target, overwrite: true);
                    written.Add(target);
                }
                break;
            case FineTuneKind.HeadOnly:
                break; // the backbone is the base model, unchanged
        }
        if (head.Count > 0)
        {
            written.Add(WriteFile(directory, HeadWeightsFile,
                SafeTensors.Serialize(head.Select(t => new KeyValuePair<string, Tensor>(HeadTensorName(t.Key), t.Value)), metadata)));
            written.Add(WriteText(directory, HeadConfigFile, HeadConfig(spec, model, classNames, head)));
        }
        written.Add(WriteText(directory, ReadmeFile, Readme(spec, model, round, client)));
        return written;
    }

    /// <summary>PEFT's adapter_config.json for a LoRA adapter on <paramref name="modules"/> (exact module paths).</summary>
    public static string AdapterConfig(RunSpec spec, ModelInfo model, IEnumerable<string> modules)
    {
        var lora = spec.FineTune.Lora;
        var config = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = BaseModelName(model),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = lora.Alpha,
            ["lora_dropout"] = lora.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = lora.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray([.. modules.Distinct().Order(StringComparer.Ordinal).Select(m => (JsonNode?)JsonValue.Create(m))]),
            ["task_type"] = "FEATURE_EXTRACTION",
            ["use_dora"] = false,
            ["use_rslora"] = false,
        };
        return config.ToJsonString(Indented);
    }

    /// <summary>What PEFT records as the base: the Hugging Face Hub id where the model has one, else FedLab's model id.</summary>
    public static string BaseModelName(ModelInfo model) => model.Source.HubId ?? model.Id;

    private static bool IsLora(string key) => key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal);

    /// <summary>"encoder.layer.0.attention.self.query.lora_A.weight" → "encoder.layer.0.attention.self.query".</summary>
    private static string ModulePath(string key) => key[..key.IndexOf(".lora_", StringComparison.Ordinal)];

    /// <summary>"head.dense.weight" → "weight": the head is one linear layer.</summary>
    private static string HeadTensorName(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static string HeadConfig(RunSpec spec, ModelInfo model, IReadOnlyList<string> classNames, IReadOnlyList<KeyValuePair<string, Tensor>> head)
    {
        var weight = head.First(t => t.Key.EndsWith(".weight", StringComparison.Ordinal)).Value;
        var config = new JsonObject
        {
            ["pooling"] = "mean",
            ["pooling_note"] = "mean of the last hidden states over tokens whose attention_mask is 1, then logits = pooled @ weight.T + bias",
            ["hidden_size"] = weight.shape[1],
            ["num_classes"] = weight.shape[0],
            ["classes"] = new JsonArray([.. classNames.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["max_tokens"] = spec.Dataset.MaxTokens,
            ["base_model_name_or_path"] = BaseModelName(model),
            ["fine_tune"] = spec.FineTune.Mode switch { FineTuneKind.Lora => "lora", FineTuneKind.Full => "full", _ => "head-only" },
        };
        return config.ToJsonString(Indented);
    }

    private static string Readme(RunSpec spec, ModelInfo model, int round, int? client)
    {
        string what = client is int k ? $"client {k}'s own model" : "the global model";
        string files = spec.FineTune.Mode switch
        {
            FineTuneKind.Lora => $"`{AdapterConfigFile}` and `{AdapterWeightsFile}` are a PEFT LoRA adapter for `{BaseModelName(model)}`.",
            FineTuneKind.Full => $"`{ModelConfigFile}` and `{ModelWeightsFile}` are the whole fine-tuned encoder in Hugging Face layout.",
            _ => $"The encoder is `{BaseModelName(model)}` unchanged (head-only fine-tuning).",
        };
        return $"""
            # FedLab export

            {what} of a `{spec.Framework}` run on `{spec.Model}`, after round {round}.
            {files}
            `{HeadWeightsFile}` (+ `{HeadConfigFile}`) is FedLab's classification head: mean pooling over real tokens, then
            a linear layer. See FedLab's docs/export.md for the Python that loads both.

            """;
    }

    private static string WriteFile(string directory, string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WriteText(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
        return path;
    }
}

/// <summary>A run whose checkpoint cannot be exported as asked; the message is for the user.</summary>
public sealed class ModelExportException(string message) : Exception(message);
