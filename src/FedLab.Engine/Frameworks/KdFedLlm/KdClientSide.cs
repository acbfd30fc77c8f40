using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// What KD clients need besides their own state, built the same way by the coordinator and by every worker from the
/// run's environment: the public set, the distiller, and one frozen base per client architecture (created in client
/// order with seeds derived from the run seed, so every process holds identical bases).
/// </summary>
internal sealed class KdClientSide : IDisposable
{
    private readonly List<KdArchitecture> _architectures = [];

    public KdClientSide(RunEnvironment env, ModelStore models)
    {
        Env = env;
        Kd = env.Spec.Kd;
        var problems = KdOptionsRules.AgainstDataset(env.Spec, DatasetFacts.Of(env.Dataset)).ToList();
        if (problems.Count > 0)
        {
            throw new RunSpecException(problems); // a user's file: the rules bundled data meets at validation
        }
        Public = KdPublicSet.Create(env);
        Distiller = new Distiller(env, Public, Kd.Temperature, Kd.DistillationLearningRate ?? env.Spec.Training.LearningRate);
        try
        {
            Server = KdArchitecture.ForRun(env);
            _architectures.Add(Server);
            int clients = env.Spec.Partition.Clients;
            ArchitectureOf = new KdArchitecture[clients];
            for (int client = 0; client < clients; client++)
            {
                ArchitectureOf[client] = ArchitectureFor(client, models);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public RunEnvironment Env { get; }
    public KdOptions Kd { get; }
    public TokenizedSet Public { get; }
    public Distiller Distiller { get; }

    /// <summary>The run's own architecture (the run's model).</summary>
    public KdArchitecture Server { get; }

    public KdArchitecture[] ArchitectureOf { get; }

    /// <summary>Distinct architectures, the run's own first.</summary>
    public IReadOnlyList<KdArchitecture> Architectures => _architectures;

    /// <summary>Columns of a logits payload: the classes, or a generative run's vocabulary.</summary>
    public int Classes => Env.Generative is null ? Env.Dataset.NumClasses : Env.Model.NumClasses;

    private KdArchitecture ArchitectureFor(int client, ModelStore models)
    {
        var list = Kd.ClientModels;
        if (list.Count == 0)
        {
            return Server;
        }
        int entry = client % list.Count;
        var info = ModelCatalog.Get(list[entry].Model);
        var key = KdArchitecture.KeyOf(info, list[entry].Layers);
        var existing = _architectures.FirstOrDefault(a => a.Key == key);
        if (existing is not null)
        {
            return existing;
        }
        var created = KdArchitecture.Create(Env, models, info, list[entry].Layers, SeedMix.Derive(Env.Spec.Seed, SeedStreams.ModelInit, _architectures.Count), $"kd.clientModels[{entry}].model");
        _architectures.Add(created);
        return created;
    }

    public void Dispose() => _architectures.ForEach(a => a.Dispose());
}
