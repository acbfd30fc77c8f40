using System.Globalization;
using FedLab.Engine.Datasets;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Models;

namespace FedLab.Engine.Runs;

/// <summary>
/// The one validation every way in (form, REST, CLI, hub) goes through. Returns every problem at once,
/// per field, in plain words; an empty list means the spec can start.
/// </summary>
public sealed class RunSpecValidator
{
    public const int MaxClients = 1000;
    public const int MaxRounds = 10_000;
    /// <summary>The smallest learning rate any optimizer in a spec accepts: below it nothing moves in float32.</summary>
    public const double MinLearningRate = 1e-7;
    public const double MinDirichletAlpha = 1e-3;
    /// <summary>The longest dataset path a spec may give.</summary>
    public const int MaxPathChars = 4096;
    /// <summary>The LoRA targets named when the model is unknown (the default model's family's).</summary>
    public static IReadOnlyList<string> LoraTargetNames => ModelCatalog.Get(ModelCatalog.DefaultModelId).Family.LoraTargetNames;

    private readonly Func<bool> _cudaAvailable;
    private readonly Func<string, DatasetFacts?> _datasetFacts;

    /// <param name="cudaAvailable">Whether a CUDA device exists (tests pass a fake).</param>
    /// <param name="datasetFacts">Class count and public split size by dataset name, for the KD rules; default: the bundled manifest.</param>
    public RunSpecValidator(Func<bool>? cudaAvailable = null, Func<string, DatasetFacts?>? datasetFacts = null)
    {
        _cudaAvailable = cudaAvailable ?? (() => TorchSharp.torch.cuda.is_available());
        _datasetFacts = datasetFacts ?? (name => DatasetFacts.Bundled(name));
    }

    public IReadOnlyList<SpecError> Validate(RunSpec spec)
    {
        var errors = new List<SpecError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new SpecError(field, message));
            }
        }
        void Range(double value, double min, double max, string field) =>
            Check(value >= min && value <= max, field, $"must be between {F(min)} and {F(max)}, got {F(value)}");

        Check(!string.IsNullOrWhiteSpace(spec.Name) && spec.Name.Length <= 200, "name", $"must be 1 to 200 characters, got {spec.Name?.Length ?? 0}");
        errors.AddRange(FreeText.Validate(spec));
        Check(ModelCatalog.Resolve(spec.Model, out var modelError) is not null, "model",
            modelError ?? $"unknown model '{FreeText.Shown(spec.Model)}'; known models: {string.Join(", ", ModelCatalog.Ids)}");

        ValidateDataset(spec, Check, Range);

        var p = spec.Partition;
        Range(p.Clients, 1, MaxClients, "partition.clients");
        if (p.Kind == PartitionMethod.Dirichlet)
        {
            // Below about 1e-3 the Dirichlet draws underflow to zero and every client gets one label or nothing.
            Range(p.Alpha, MinDirichletAlpha, 1e6, "partition.alpha");
        }
        if (p.Kind == PartitionMethod.Shards)
        {
            Range(p.ShardsPerClient, 1, 100, "partition.shardsPerClient");
        }

        if (FrameworkRegistry.Find(spec.Framework) is { } framework)
        {
            var facts = string.IsNullOrWhiteSpace(spec.Dataset.Name) ? null : _datasetFacts(spec.Dataset.Name);
            errors.AddRange(framework.Validate(spec, new FrameworkValidation(facts)));
        }
        else
        {
            errors.Add(new SpecError("framework", $"unknown framework '{FreeText.Shown(spec.Framework)}'; use one of {string.Join(", ", FrameworkRegistry.Names)}"));
        }

        if (spec.FineTune.Mode == FineTuneKind.Lora)
        {
            var l = spec.FineTune.Lora;
            Range(l.Rank, 1, 256, "fineTune.lora.rank");
            Range(l.Alpha, 0.01, 10_000, "fineTune.lora.alpha");
            Check(l.Dropout >= 0 && l.Dropout < 1, "fineTune.lora.dropout", $"must be at least 0 and below 1, got {F(l.Dropout)}");
            // The family of the named model decides which names are targets (BERT: query, key, value, output, ffn).
            var names = ModelCatalog.Find(spec.Model)?.Family.LoraTargetNames ?? LoraTargetNames;
            Check(l.Targets.Count > 0, "fineTune.lora.targets", $"must name at least one of {string.Join(", ", names)}");
            foreach (var target in l.Targets.Where(t => !names.Contains(t)))
            {
                errors.Add(new SpecError("fineTune.lora.targets", $"unknown target '{FreeText.Shown(target)}'; use {string.Join(", ", names)}"));
            }
            Check(l.Targets.Distinct().Count() == l.Targets.Count, "fineTune.lora.targets", "lists a target twice");
        }

        var t = spec.Training;
        Range(t.Rounds, 1, MaxRounds, "training.rounds");
        if (spec.Fork is { } fork)
        {
            if (fork.Run == Guid.Empty)
            {
                errors.Add(new SpecError("fork.run", "name the run to fork from (its id)"));
            }
            if (fork.Round < 0 || fork.Round >= t.Rounds)
            {
                errors.Add(new SpecError("fork.round", $"must be from 0 to training.rounds - 1 ({t.Rounds - 1}): the fork trains the rounds after it, got {fork.Round}"));
            }
        }
        if (spec.Checkpoints is { } keep)
        {
            Range(keep.KeepEvery, 0, MaxRounds, "checkpoints.keepEvery");
        }
        Check(t.ClientFraction > 0 && t.ClientFraction <= 1, "training.clientFraction", $"must be greater than 0 and at most 1, got {F(t.ClientFraction)}");
        Check(t.LocalSteps is null != t.LocalEpochs is null, "training.localSteps", "set exactly one of localSteps and localEpochs");
        if (t.LocalSteps is int steps)
        {
            Range(steps, 1, 100_000, "training.localSteps");
        }
        if (t.LocalEpochs is double epochs)
        {
            Check(epochs > 0 && epochs <= 100, "training.localEpochs", $"must be greater than 0 and at most 100, got {F(epochs)}");
        }
        Range(t.BatchSize, 1, 1024, "training.batchSize");
        Range(t.LearningRate, MinLearningRate, 1, "training.learningRate");
        Range(t.WeightDecay, 0, 1, "training.weightDecay");
        Check(t.Dropout >= 0 && t.Dropout < 1, "training.dropout", $"must be at least 0 and below 1, got {F(t.Dropout)}");
        Range(t.EvalBatchSize, 1, 4096, "training.evalBatchSize");
        ValidationRules.CheckEarlyStopping(spec, Check, Range);

        errors.AddRange(Federation.RealismRules.Validate(spec));
        errors.AddRange(Performance.PerformanceRules.Validate(spec, _cudaAvailable));

        Check(spec.Seed >= 0, "seed", $"must be 0 or more, got {spec.Seed}");
        Check(spec.Device is "auto" or "cpu" or "cuda", "device", $"must be auto, cpu or cuda, got '{FreeText.Shown(spec.Device)}'");
        if (spec.Device == "cuda")
        {
            Check(_cudaAvailable(), "device", "cuda was requested but TorchSharp reports no CUDA device (build with -p:FedLabTorchBackend=cuda on a GPU machine)");
        }
        return errors;
    }

    private static void ValidateDataset(RunSpec spec, Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        var d = spec.Dataset;
        if (string.IsNullOrWhiteSpace(d.Name))
        {
            check(false, "dataset.name", "must name a bundled dataset (" + string.Join(", ", DatasetCatalog.BundledNames) + ") or a .csv/.jsonl file");
        }
        else if (d.Name.Length > MaxPathChars)
        {
            check(false, "dataset.name", $"must be a bundled name or a file path of at most {MaxPathChars} characters, got {d.Name.Length}");
        }
        else if (DatasetReference.LooksLikeReference(d.Name))
        {
            // An uploaded dataset by content hash: its syntax here; whether this machine holds it, where the host
            // knows its uploads folder (the dashboard's checker, the CLI, and the load itself).
            var problem = DatasetReference.SyntaxProblem(d.Name);
            check(problem is null, "dataset.name", problem ?? "");
        }
        else if (!DatasetCatalog.IsBundled(d.Name))
        {
            // The same names an upload accepts: the loader reads .ndjson as JSON Lines and decompresses .gz itself,
            // within the host's limits (EngineOptions.UserDatasetLimits).
            bool supported = UserDatasetLoader.IsSupported(d.Name);
            check(supported, "dataset.name", $"unknown dataset '{FreeText.Shown(d.Name)}'; use a bundled dataset ({string.Join(", ", DatasetCatalog.BundledNames)}) or a path to a {UserDatasetLoader.SupportedExtensions} file");
            if (supported)
            {
                check(File.Exists(d.Name), "dataset.name", $"file '{FreeText.Shown(d.Name)}' does not exist");
            }
        }
        range(d.MaxTokens, 8, 512, "dataset.maxTokens");
        if (d.TrainLimit is int train)
        {
            check(train >= spec.Partition.Clients, "dataset.trainLimit", $"must be at least the number of clients ({spec.Partition.Clients}), got {train}");
        }
        if (d.TestLimit is int test)
        {
            check(test >= 1, "dataset.testLimit", $"must be at least 1, got {test}");
        }
        ValidationRules.Check(spec, check, range);
        Tasks.TaskRules.Check(spec, check, range);
    }

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
