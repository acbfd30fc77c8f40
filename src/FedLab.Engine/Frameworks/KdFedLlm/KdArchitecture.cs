using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// One client model architecture: ONE frozen base shared by every client of that architecture, which swap their own
/// trainable state in and out. The run's own architecture reuses the run's model; another catalog model, or fewer
/// layers, gets its own base (built once, seeded, with the run's fine-tuning mode and LoRA settings).
/// </summary>
internal sealed class KdArchitecture : IDisposable
{
    private readonly bool _owned;

    private KdArchitecture(string key, SequenceClassifier model, IReadOnlyList<(string Name, Parameter Parameter)> trainable, FlopModel flops, RunEnvironment env, bool owned)
    {
        Key = key;
        Model = model;
        Trainable = trainable;
        Flops = flops;
        Trainer = new LocalTrainer(env, model, trainable, flops);
        Initial = TrainableState.Capture(trainable);
        _owned = owned;
    }

    /// <summary>"model" or "model/layers".</summary>
    public string Key { get; }
    public SequenceClassifier Model { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }
    public FlopModel Flops { get; }
    public LocalTrainer Trainer { get; }

    /// <summary>The trainable state every client of this architecture starts from.</summary>
    public TrainableState Initial { get; }

    public static string KeyOf(ModelInfo info, int? layers) =>
        layers is int l && l != info.Shape.Layers ? $"{info.Id}/{l}" : info.Id;

    public static KdArchitecture ForRun(RunEnvironment env) =>
        new(KeyOf(env.ModelInfo, null), env.Model, env.Trainable, env.Flops, env, owned: false);

    /// <param name="field">The spec field that named this architecture, for error messages.</param>
    public static KdArchitecture Create(RunEnvironment env, ModelStore store, ModelInfo info, int? layers, long seed, string field)
    {
        RequireSameVocabulary(env, store, info, field);
        random.manual_seed(seed); // LoRA and head initialisation, as for the run's model
        SequenceClassifier model;
        ITextBackbone backbone;
        if (env.Generative is not null && info.Family is Models.Decoder.HfDecoderFamily decoder)
        {
            var causal = decoder.CreateCausalLanguageModel(info, env.Spec.Training.Dropout, env.Device, layers);
            backbone = causal;
            model = new SequenceClassifier(causal, new Tasks.Generative.CausalLmHead(causal), causal.Config.VocabSize);
        }
        else
        {
            backbone = store.CreateBackbone(info, env.Spec.Training.Dropout, env.Device, layers);
            model = new SequenceClassifier(backbone, env.Dataset.NumClasses, env.Device);
        }
        if (env.Lora is not null)
        {
            model.AddLora(env.Lora, env.Device);
        }
        var trainable = model.SetTrainable(env.Mode);
        var flops = FlopModel.For(backbone, info.Family, model.NumClasses, env.Mode, env.Lora);
        if (env.Generative is not null)
        {
            flops = flops.WithLanguageModelHead(trains: env.Mode == FineTuneMode.Full);
        }
        return new KdArchitecture(KeyOf(info, layers), model, trainable, flops, env, owned: true);
    }

    /// <summary>
    /// Clients read the run's tokenised data and public set, so their model must use the same vocabulary. The catalog
    /// models all do today (arctic-xs ships the very same vocab.txt as MiniLM); a future one that does not is refused.
    /// </summary>
    private static void RequireSameVocabulary(RunEnvironment env, ModelStore store, ModelInfo info, string field)
    {
        if (info.Family != env.ModelInfo.Family || info.Family.VocabularyFingerprint(info, store) != env.ModelInfo.Family.VocabularyFingerprint(env.ModelInfo, store))
        {
            throw new RunSpecException([new SpecError(field, $"{info.Id} uses a different vocabulary from {env.ModelInfo.Id}; KD clients must read the run's tokenised data")]);
        }
    }

    public void Dispose()
    {
        Initial.Dispose();
        if (_owned)
        {
            Model.Dispose();
        }
    }
}
