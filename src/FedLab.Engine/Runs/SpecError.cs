namespace FedLab.Engine.Runs;

/// <summary>One problem with a run spec: the field's JSON path (e.g. "partition.clients") and a plain message.</summary>
public sealed record SpecError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
