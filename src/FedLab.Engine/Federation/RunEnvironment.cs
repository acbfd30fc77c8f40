using FedLab.Engine.Datasets;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// Everything one run shares: the device, the tokenised splits, the client partition, and ONE model whose
/// frozen base all simulated clients use. Clients swap their trainable state in and out of it.
/// </summary>
public sealed class RunEnvironment : IDisposable
{
    private RunEnvironment(RunSpec spec, Device device, ModelInfo model, TextDataset dataset, TokenizedSet train, TokenizedSet validation, TokenizedSet test,
        TokenizedSet @public, ClientPartition partition, SequenceClassifier classifier, LoraOptions? lora, FineTuneMode mode, GenerativeTask? generative = null)
    {
        Generative = generative;
        Spec = spec;
        Device = device;
        ModelInfo = model;
        Dataset = dataset;
        Train = train;
        Validation = validation;
        Test = test;
        Public = @public;
        Partition = partition;
        Model = classifier;
        Lora = lora;
        Mode = mode;
        Trainable = classifier.SetTrainable(mode);
        Flops = FlopModel.For(classifier.Backbone, model.Family, classifier.NumClasses, mode, lora);
        if (generative is not null)
        {
            Flops = Flops.WithLanguageModelHead(trains: mode == FineTuneMode.Full);
        }
    }

    public RunSpec Spec { get; }
    public Device Device { get; }
    public ModelInfo ModelInfo { get; }
    public TextDataset Dataset { get; }
    public TokenizedSet Train { get; }
    /// <summary>Held out of the training examples to choose the best round; empty when the spec asks for none.</summary>
    public TokenizedSet Validation { get; }
    public TokenizedSet Test { get; }
    public TokenizedSet Public { get; }
    public ClientPartition Partition { get; }
    public SequenceClassifier Model { get; }
    public LoraOptions? Lora { get; }
    public FineTuneMode Mode { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }
    public FlopModel Flops { get; }

    /// <summary>The chat template, tokenizer and generation limits of a generative run; null for classification.</summary>
    public Tasks.Generative.GenerativeTask? Generative { get; private init; }

    /// <summary>The evaluation shortcuts of this run: the test subset and the frozen-prefix cache (issue 16).</summary>
    public Performance.EvaluationState Evaluation { get; } = new();

    public static Device ResolveDevice(string requested) => requested switch
    {
        "cpu" => CPU,
        "cuda" => CUDA,
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>Loads data and model for a validated spec. Dataset file problems surface as <see cref="RunSpecException"/>.</summary>
    public static RunEnvironment Create(RunSpec spec, EngineOptions options)
    {
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
        var device = ResolveDevice(spec.Device);
        var info = ModelCatalog.Get(spec.Model);
        if (spec.IsGenerative())
        {
            return GenerativeEnvironment.Create(spec, options, device, info);
        }
        TextDataset dataset;
        try
        {
            dataset = DatasetCatalog.Load(DatasetReference.Resolve(spec.Dataset.Name, options.UploadDirectory), options.DataDirectory, userLimits: options.UserDatasetLimits);
        }
        catch (DatasetFormatException ex)
        {
            throw new RunSpecException([new SpecError("dataset.name", ex.Message)]);
        }
        var tokenizer = options.Models.LoadTokenizer(info);
        var (trainExamples, validationExamples) = RunPartitioning.TrainAndValidation(dataset.Train, e => e.Label, dataset.NumClasses, spec);
        var testExamples = RunPartitioning.TestSubset(dataset.Test, spec);
        if (trainExamples.Count < spec.Partition.Clients)
        {
            throw new RunSpecException([new SpecError("partition.clients", $"the dataset has {trainExamples.Count} training examples, fewer than {spec.Partition.Clients} clients")]);
        }
        if (testExamples.Count == 0)
        {
            throw new RunSpecException([new SpecError("dataset.name", "the dataset has no test examples")]);
        }
        var train = Tokenize(tokenizer, trainExamples, spec.Dataset.MaxTokens, sortByLength: false);
        // Evaluation order does not change metrics; sorting by length minimises padding.
        var test = Tokenize(tokenizer, testExamples, spec.Dataset.MaxTokens, sortByLength: true);
        var validation = Tokenize(tokenizer, validationExamples, spec.Dataset.MaxTokens, sortByLength: true);
        var @public = Tokenize(tokenizer, dataset.Public, spec.Dataset.MaxTokens, sortByLength: true);

        var partition = RunPartitioning.Partition(train.Labels, dataset.NumClasses, spec);

        // Model construction draws LoRA and head initialisations from torch's generator: seed it first.
        random.manual_seed(SeedMix.Derive(spec.Seed, SeedStreams.ModelInit));
        var mode = spec.FineTune.Mode switch
        {
            FineTuneKind.Full => FineTuneMode.Full,
            FineTuneKind.HeadOnly => FineTuneMode.HeadOnly,
            _ => FineTuneMode.Lora,
        };
        var backbone = options.Models.CreateBackbone(info, spec.Training.Dropout, device);
        Performance.PrecisionPolicy.Apply(backbone, spec.Precision, mode);
        var model = new SequenceClassifier(backbone, dataset.NumClasses, device);
        LoraOptions? lora = null;
        if (mode == FineTuneMode.Lora)
        {
            lora = new LoraOptions(spec.FineTune.Lora.Rank, spec.FineTune.Lora.Alpha, spec.FineTune.Lora.Dropout, spec.FineTune.Lora.Targets.ToHashSet(StringComparer.Ordinal));
            model.AddLora(lora, device);
        }
        return new RunEnvironment(spec, device, info, dataset, train, validation, test, @public, partition, model, lora, mode);
    }

    public RunInfo Describe()
    {
        long total = Model.parameters().Sum(p => p.numel());
        long trainable = Trainable.Sum(p => p.Parameter.numel());
        return new RunInfo(
            Device.type == DeviceType.CUDA ? "cuda" : "cpu",
            ModelInfo.DisplayName,
            total,
            trainable,
            trainable * sizeof(float),
            Train.Count,
            Test.Count,
            Public.Count,
            Dataset.ClassNames,
            Partition.LabelHistograms,
            EngineVersion.Current);
    }

    /// <summary>A generative environment: the same as a classifier's, with the language-model head's FLOPs and the task.</summary>
    internal static RunEnvironment Generating(RunSpec spec, Device device, ModelInfo model, TextDataset dataset, TokenizedSet train, TokenizedSet validation,
        TokenizedSet test, TokenizedSet @public, ClientPartition partition, SequenceClassifier classifier, LoraOptions? lora, FineTuneMode mode, GenerativeTask task) =>
        new(spec, device, model, dataset, train, validation, test, @public, partition, classifier, lora, mode, generative: task);

    private static TokenizedSet Tokenize(ITextTokenizer tokenizer, IReadOnlyList<TextExample> examples, int maxTokens, bool sortByLength)
    {
        var ids = new int[examples.Count][];
        for (int i = 0; i < examples.Count; i++)
        {
            ids[i] = tokenizer.Encode(examples[i].Text, maxTokens);
        }
        var labels = examples.Select(e => e.Label).ToArray();
        if (sortByLength)
        {
            var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ThenBy(i => i).ToArray();
            ids = order.Select(i => ids[i]).ToArray();
            labels = order.Select(i => labels[i]).ToArray();
        }
        return new TokenizedSet(ids, labels, tokenizer.PadId);
    }

    public void Dispose()
    {
        Evaluation.Dispose();
        Model.Dispose();
    }
}
