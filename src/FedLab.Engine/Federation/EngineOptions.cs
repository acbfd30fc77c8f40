using FedLab.Engine.Datasets;
using FedLab.Engine.Models;

namespace FedLab.Engine.Federation;

/// <summary>Where the engine finds models and bundled data, and how many CPU threads libtorch uses.</summary>
public sealed record EngineOptions
{
    public ModelStore Models { get; init; } = new();

    /// <summary>Folder of the bundled datasets; null = the data/ folder beside the binaries.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where uploaded datasets live (<see cref="DatasetReference"/>); null = references cannot be read.</summary>
    public string? UploadDirectory { get; init; }

    /// <summary>
    /// Limits when a run reads a user's dataset file (bytes after decompression, longest field, rows): the host
    /// sets the same limits its uploads have, so a .gz named in a CLI spec is bounded like an uploaded one.
    /// </summary>
    public DatasetReadLimits UserDatasetLimits { get; init; } = DatasetReadLimits.Default with { MaxRows = UserDatasetLoader.DefaultMaxRows };

    /// <summary>libtorch intra-op threads; 0 = one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Where clients' work runs (in-process, one after another, by default).</summary>
    public IClientRunner ClientRunner { get; init; } = InProcessClientRunner.Instance;

    /// <summary>
    /// Train a round's clients together in batched groups (FedLLM and KD-FedLLM) when the spec does not say
    /// (<see cref="Runs.RunSpec.ClientBatching"/>). Null (the default): on where it is faster, which is on a CUDA
    /// device; off on the CPU, where it measured slower for 5 and 20 clients (docs/performance.md).
    /// </summary>
    public bool? ClientBatching { get; init; }

    /// <summary>At most this many clients in one batched group when the spec does not say.</summary>
    public int MaxClientsPerGroup { get; init; } = 8;

    /// <summary>Wrappers applied, in order, to every update aggregator a framework creates.</summary>
    public IReadOnlyList<IAggregatorWrapping> AggregatorWrappers { get; init; } = [];
}
