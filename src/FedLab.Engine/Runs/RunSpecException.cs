namespace FedLab.Engine.Runs;

/// <summary>Thrown when a spec is invalid; carries every problem found, not just the first.</summary>
public sealed class RunSpecException(IReadOnlyList<SpecError> errors)
    : Exception("invalid run spec: " + string.Join("; ", errors))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
