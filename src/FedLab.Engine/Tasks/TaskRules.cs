using FedLab.Engine.Datasets;
using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks.Generative;

namespace FedLab.Engine.Tasks;

/// <summary>The spec rules of the task section (called by <see cref="RunSpecValidator"/>): which data, model and fine-tuning a task takes.</summary>
internal static class TaskRules
{
    public const int MaxNewTokensLimit = 256;

    public static void Check(RunSpec spec, Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        string dataset = spec.Dataset.Name ?? "";
        bool bundled = !string.IsNullOrWhiteSpace(dataset) && DatasetCatalog.IsBundled(dataset);
        if (!spec.IsGenerative())
        {
            check(!InstructionDatasets.IsBundled(dataset), "dataset.name",
                $"'{InstructionDatasets.SpamYesNo}' is a generative task (question and answer); set task.kind to generative, or use the classification dataset 'spam'");
            return;
        }
        var task = spec.Task!;
        range(task.MaxNewTokens, 1, MaxNewTokensLimit, "task.maxNewTokens");
        if (task.GenerateLimit is int limit)
        {
            check(limit >= 1, "task.generateLimit", $"must be at least 1 (or leave it out to generate an answer for every test example), got {limit}");
        }
        if (ModelCatalog.Find(spec.Model) is { } model)
        {
            check(model.Family is HfDecoderFamily, "model",
                $"{model.Id} is a {model.Family.Name} encoder; a generative task needs a decoder (a local Hugging Face folder of Llama, Mistral, Qwen2, Qwen3 or GPT-2)");
        }
        check(spec.FineTune.Mode != FineTuneKind.HeadOnly, "fineTune.mode",
            "head-only trains nothing in a generative task (the language-model head is the model's own); use lora or full");
        if (bundled)
        {
            check(InstructionDatasets.IsBundled(dataset), "dataset.name",
                $"'{dataset}' is a classification dataset; a generative task needs instruction data: {InstructionDatasets.SpamYesNo} or a .jsonl file of instruction/output or messages rows");
        }
        else if (!string.IsNullOrWhiteSpace(dataset) && UserDatasetLoader.IsSupported(dataset))
        {
            check(UserDatasetLoader.FormatOf(dataset).Format == UserFileFormat.JsonLines, "dataset.name",
                "a generative task reads a .jsonl file of instruction/input/output or messages rows, not a CSV file");
        }
    }
}
