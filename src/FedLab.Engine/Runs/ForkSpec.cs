namespace FedLab.Engine.Runs;

/// <summary>
/// Start a run from a stored run's weights after one of its rounds (its checkpoint of that round must be kept: the last
/// round, the best round, or every n-th round with <see cref="CheckpointSpec.KeepEvery"/>), with this spec, which may
/// differ (a learning rate, more rounds, a framework option). The new run records that round as its first point (the
/// parent's weights evaluated again) and trains rounds Round+1 .. training.rounds; with an unchanged spec its rounds
/// equal the parent's. Model, fine-tuning mode and framework must fit the checkpoint's tensors.
/// </summary>
public sealed record ForkSpec
{
    public required Guid Run { get; init; }

    public required int Round { get; init; }
}

/// <summary>Which round checkpoints a run keeps besides its last and its best: every <see cref="KeepEvery"/>-th round (0: none).</summary>
public sealed record CheckpointSpec
{
    public int KeepEvery { get; init; }
}
