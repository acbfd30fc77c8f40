using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.Centralized;

/// <summary>The reference: one party trains on all the training data with the federated runs' step budget.</summary>
public sealed class CentralizedFramework : FrameworkDescriptor
{
    public const string Id = "centralized";

    public override string Name => Id;

    public override string DisplayName => "Centralized (reference)";

    public override bool IsFederated => false;

    public override string AccuracySource(RunSpec spec) => "centrally trained model";

    public override IFederatedAlgorithm Create(FrameworkContext context) => new CentralizedAlgorithm(context.Environment);
}
