using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>Server distillation with both compressions on (top-1 of 2 classes, fp16 values) and confidence weighting.</summary>
public sealed class KdServerDistillationContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Kd(clients, rounds, seed, new KdOptions
        {
            Variant = KdVariant.ServerDistillation,
            PublicSize = 24,
            DistillationSteps = 2,
            ServerDistillationSteps = 3,
            TopK = 1,
            LogitPrecision = WirePrecision.Fp16,
            Aggregation = KdAggregation.Confidence,
        });

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}
