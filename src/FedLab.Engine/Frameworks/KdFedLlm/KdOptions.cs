using System.ComponentModel;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// KD-FedLLM options; used when the framework is kd. Only logits on a public (proxy) set travel: clients keep their
/// own models, upload log-probabilities on the public set, and distil towards the aggregated consensus.
/// </summary>
public sealed record KdOptions
{
    [Description("consensus: clients distil towards the aggregated logits and there is no global model (the global line is the mean of the clients' own models). server-distillation: the server also distils them into a global model, which is evaluated.")]
    public KdVariant Variant { get; init; } = KdVariant.Consensus;

    /// <summary>Public examples used (a seeded subset of the dataset's public split); null = the whole split.</summary>
    [Description("Public examples whose logits travel (a seeded subset of the public split; empty = all). Bytes per round grow with it. Their labels are never used.")]
    public int? PublicSize { get; init; }

    [Description("examples: clients weighted by their training examples. confidence: also by each client's confidence on each public example.")]
    public KdAggregation Aggregation { get; init; } = KdAggregation.Examples;

    /// <summary>Distillation temperature T: both distributions are softened by T and the KL loss scaled by T².</summary>
    [Description("Distillation temperature T (softens both distributions; the loss is scaled by T squared).")]
    public double Temperature { get; init; } = 2.0;

    /// <summary>Optimizer steps each client distils towards the consensus per round (0 = no distillation).</summary>
    [Description("Steps each client distils towards the consensus per round (0 = none, and nothing comes down).")]
    public int DistillationSteps { get; init; } = 5;

    /// <summary>AdamW learning rate while distilling; null = training.learningRate.</summary>
    [Description("Learning rate while distilling (empty = the training learning rate).")]
    public double? DistillationLearningRate { get; init; }

    /// <summary>Steps the server distils the consensus into its global model per round (server-distillation only).</summary>
    [Description("Steps the server distils the consensus into its global model per round (server-distillation only).")]
    public int ServerDistillationSteps { get; init; } = 20;

    /// <summary>Send only the k most probable classes per example (indices + values); null = every class.</summary>
    [Description("Send only the k most probable classes per public example, as indices and values (empty = all classes).")]
    public int? TopK { get; init; }

    [Description("fp16 halves the bytes of the logits.")]
    public WirePrecision LogitPrecision { get; init; } = WirePrecision.Fp32;

    /// <summary>
    /// Client architectures, assigned round-robin (client i uses entry i mod count); empty = every client uses the
    /// run's model. Only logits travel, so a client's model may differ from the server's.
    /// </summary>
    public IReadOnlyList<KdClientModel> ClientModels { get; init; } = [];
}
