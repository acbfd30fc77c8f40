using FedLab.Engine.Datasets;
using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Loads a generative run: the instruction data (the bundled spam question or a user's .jsonl), the chat template for
/// the model's tokenizer, token ids with answer-only targets, and the decoder with its language-model head. The same
/// seeded subsets, validation split and partition as a classification run (by answer class when the answers form a
/// small set). Problems with the data or the template are spec errors at the field that causes them.
/// </summary>
internal static class GenerativeEnvironment
{
    public static RunEnvironment Create(RunSpec spec, EngineOptions options, Device device, ModelInfo info)
    {
        var task = spec.Task!;
        if (info.Family is not HfDecoderFamily family)
        {
            throw new RunSpecException([new SpecError("model", $"{info.Id} is not a decoder; a generative task needs a decoder model (a local Hugging Face folder)")]);
        }
        TextDataset dataset;
        try
        {
            dataset = DatasetCatalog.IsBundled(spec.Dataset.Name)
                ? DatasetCatalog.Load(spec.Dataset.Name, options.DataDirectory, userLimits: options.UserDatasetLimits)
                : InstructionDatasets.Load(spec.Dataset.Name, options.UserDatasetLimits);
        }
        catch (DatasetFormatException ex)
        {
            throw new RunSpecException([new SpecError("dataset.name", ex.Message)]);
        }
        if (!dataset.IsGenerative)
        {
            throw new RunSpecException([new SpecError("dataset.name", $"'{dataset.Name}' is a classification dataset; a generative task needs instruction data ({InstructionDatasets.SpamYesNo} or a .jsonl file of instruction/output or messages rows)")]);
        }
        var tokenizer = (HfTokenizer)options.Models.LoadTokenizer(info);
        ChatTemplate template;
        try
        {
            template = ChatTemplate.For(task.Template, tokenizer);
        }
        catch (InvalidDataException ex)
        {
            throw new RunSpecException([new SpecError("task.template", ex.Message)]);
        }
        var (trainExamples, validationExamples) = RunPartitioning.TrainAndValidation(dataset.Train, e => e.Label, dataset.NumClasses, spec);
        var testExamples = RunPartitioning.TestSubset(dataset.Test, spec);
        if (trainExamples.Count < spec.Partition.Clients)
        {
            throw new RunSpecException([new SpecError("partition.clients", $"the dataset has {trainExamples.Count} training examples, fewer than {spec.Partition.Clients} clients")]);
        }
        if (dataset.NumClasses == 1 && spec.Partition.Kind != PartitionMethod.Iid)
        {
            throw new RunSpecException([new SpecError("partition.kind", $"the answers of '{dataset.Name}' do not form a small set of classes (2 to {InstructionDatasets.MaxAnswerClasses} distinct), so there is no label to skew by; use iid")]);
        }
        int maxTokens = spec.Dataset.MaxTokens;
        TokenizedSet train, validation, test, @public;
        try
        {
            train = GenerativeTokenization.Tokenize(template, tokenizer.PadId, trainExamples, maxTokens, sortByLength: false);
            test = GenerativeTokenization.Tokenize(template, tokenizer.PadId, testExamples, maxTokens, sortByLength: true);
            validation = GenerativeTokenization.Tokenize(template, tokenizer.PadId, validationExamples, maxTokens, sortByLength: true);
            @public = GenerativeTokenization.Tokenize(template, tokenizer.PadId, dataset.Public, maxTokens, sortByLength: true);
        }
        catch (InvalidDataException ex)
        {
            throw new RunSpecException([new SpecError("dataset.maxTokens", ex.Message)]);
        }
        var partition = RunPartitioning.Partition(train.Labels, dataset.NumClasses, spec);

        random.manual_seed(SeedMix.Derive(spec.Seed, SeedStreams.ModelInit));
        var mode = spec.FineTune.Mode == FineTuneKind.Full ? FineTuneMode.Full : FineTuneMode.Lora; // head-only is refused by the validator
        var backbone = family.CreateCausalLanguageModel(info, spec.Training.Dropout, device);
        Performance.PrecisionPolicy.Apply(backbone, spec.Precision, mode); // the blocks' linears; the language-model head stays float32
        var model = new SequenceClassifier(backbone, new CausalLmHead(backbone), backbone.Config.VocabSize);
        if (spec.Framework == Frameworks.SplitFedLlm.SplitFramework.Id && mode == FineTuneMode.Full && backbone.Config.TieWordEmbeddings)
        {
            model.Dispose();
            throw new RunSpecException([new SpecError("fineTune.mode", $"{info.Id} ties its language-model head to the token embeddings: full fine-tuning under split would train that one matrix on both sides of the cut; use lora")]);
        }
        LoraOptions? lora = null;
        if (mode == FineTuneMode.Lora)
        {
            lora = new LoraOptions(spec.FineTune.Lora.Rank, spec.FineTune.Lora.Alpha, spec.FineTune.Lora.Dropout, spec.FineTune.Lora.Targets.ToHashSet(StringComparer.Ordinal));
            model.AddLora(lora, device);
        }
        var generative = new GenerativeTask(template, tokenizer, task.MaxNewTokens, task.GenerateLimit, backbone.Config.MaxPositions);
        return RunEnvironment.Generating(spec, device, info, dataset, train, validation, test, @public, partition, model, lora, mode, generative);
    }
}
