using System.Text.Json;
using FedLab.Engine.Export;
using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Datasets;
using FedLab.Engine.Tests.Runs;
using FedLab.Engine.Tests.Tasks.Generative;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Export;

/// <summary>
/// A fully fine-tuned decoder leaves FedLab as a Hugging Face folder (config.json, model.safetensors under the
/// checkpoint's own tensor names and layouts, the tokenizer files) that FedLab's own importer, the one that reads
/// downloaded models, loads back with the trained weights: GPT-2's Conv1D matrices stored [in, out] again.
/// </summary>
public sealed class DecoderExportTests
{
    [Theory]
    [InlineData(TinyDecoders.Llama)]
    [InlineData(TinyDecoders.Gpt2)]
    public void FullFineTuning_ExportsAFolderThatLoadsBack_WithTheTrainedWeights(string family)
    {
        using var folder = new TempFolder();
        var spec = GenerativeSpecs.FedLlm(family, clients: 2, rounds: 1) with { FineTune = new FineTuneSpec { Mode = FineTuneKind.Full } };
        var runId = Guid.NewGuid();
        var result = new RunExecutor(TinySpecs.Engine).Execute(runId, spec, new RecordingSink(), CancellationToken.None,
            new RunOptions { CheckpointDirectory = folder.Path });
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var (round, checkpoint) = RunCheckpoint.Load(RunCheckpoint.PathFor(folder.Path, runId), runId, spec);
        using var _ = checkpoint;
        var outDir = Path.Combine(folder.Path, "export");

        var files = ModelExport.Write(spec, checkpoint, round, [], outDir).Select(Path.GetFileName).ToList();

        Assert.Contains(ModelExport.ModelConfigFile, files);
        Assert.Contains(HfFolder.TokenizerFile, files);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, ModelExport.ModelConfigFile))))
        {
            Assert.Equal(family == TinyDecoders.Gpt2 ? "gpt2" : "llama", config.RootElement.GetProperty("model_type").GetString());
            Assert.Equal("float32", config.RootElement.GetProperty("torch_dtype").GetString());
        }
        var model = ModelCatalog.Get(spec.Model);
        var decoder = (HfDecoderFamily)model.Family;
        using var loaded = (nn.Module)decoder.Load(outDir, 0, CPU, withLanguageModelHead: false);
        int compared = 0;
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            var key = "global.backbone." + name;
            if (checkpoint.Tensors.Any(t => t.Key == key))
            {
                Assert.True(parameter.eq(checkpoint[key]).all().item<bool>(), name);
                compared++;
            }
        }
        Assert.True(compared > 4, $"only {compared} tensors compared");
        // Training changed them: the export is of the trained model, not of the base folder.
        using var original = (nn.Module)decoder.Load(TinyDecoders.Folder(family), 0, CPU, withLanguageModelHead: false);
        var originals = original.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Contains(loaded.named_parameters(), p => !p.parameter.eq(originals[p.name]).all().item<bool>());
    }
}
