using System.Text.Json;
using FedLab.Data.Entities;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>The run row's indexed columns, derived from the spec in its JSON spelling ("fedllm", "dirichlet").</summary>
internal static class SpecColumns
{
    public static string JsonName<T>(T value) where T : struct, Enum =>
        JsonSerializer.Serialize(value, RunSpecJson.Options).Trim('"');

    public static RunEntity NewRun(Guid id, RunSpec spec, Guid? experimentId, DateTime now, ProcessOwner owner) => new()
    {
        Id = id,
        ExperimentId = experimentId,
        Name = spec.Name,
        SpecJson = RunSpecJson.SerializeStored(spec),
        Framework = spec.Framework,
        Model = spec.Model,
        Dataset = spec.Dataset.Name,
        PartitionKind = JsonName(spec.Partition.Kind),
        Clients = spec.Partition.Clients,
        Alpha = spec.Partition.Kind == PartitionMethod.Dirichlet ? spec.Partition.Alpha : null,
        Seed = spec.Seed,
        Device = spec.Device,
        Status = nameof(RunStatus.Queued),
        CreatedAt = now,
        TotalRounds = spec.Training.Rounds,
        OwnerHost = owner.Host,
        OwnerPid = owner.Pid,
        OwnerStartedAt = owner.StartedAt,
    };
}
