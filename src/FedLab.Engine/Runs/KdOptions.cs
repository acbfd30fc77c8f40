namespace FedLab.Engine.Runs;

/// <summary>
/// KD-FedLLM options; used when the framework is kd. Only logits on a public (proxy) set travel: clients keep their
/// own models, upload log-probabilities on the public set, and distil towards the aggregated consensus.
/// </summary>
public sealed record KdOptions
{
    public KdVariant Variant { get; init; } = KdVariant.Consensus;

    /// <summary>Public examples used (a seeded subset of the dataset's public split); null = the whole split.</summary>
    public int? PublicSize { get; init; }

    public KdAggregation Aggregation { get; init; } = KdAggregation.Examples;

    /// <summary>Distillation temperature T: both distributions are softened by T and the KL loss scaled by T².</summary>
    public double Temperature { get; init; } = 2.0;

    /// <summary>Optimizer steps each client distils towards the consensus per round (0 = no distillation).</summary>
    public int DistillationSteps { get; init; } = 5;

    /// <summary>AdamW learning rate while distilling; null = training.learningRate.</summary>
    public double? DistillationLearningRate { get; init; }

    /// <summary>Steps the server distils the consensus into its global model per round (server-distillation only).</summary>
    public int ServerDistillationSteps { get; init; } = 20;

    /// <summary>Send only the k most probable classes per example (indices + values); null = every class.</summary>
    public int? TopK { get; init; }

    public WirePrecision LogitPrecision { get; init; } = WirePrecision.Fp32;

    /// <summary>
    /// Client architectures, assigned round-robin (client i uses entry i mod count); empty = every client uses the
    /// run's model. Only logits travel, so a client's model may differ from the server's.
    /// </summary>
    public IReadOnlyList<KdClientModel> ClientModels { get; init; } = [];
}
