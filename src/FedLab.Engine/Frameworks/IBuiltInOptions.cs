using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>Implemented by the built-in frameworks whose options are a typed property of <see cref="RunSpec"/>.</summary>
public interface IBuiltInOptions
{
    object Options(RunSpec spec);
}
