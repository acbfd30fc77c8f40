namespace FedLab.Engine.Runs;

/// <summary>The failure kinds the engine itself reports; client runners and realistic-client simulation may add others.</summary>
public static class ClientFailureKinds
{
    /// <summary>The client's work threw (a bug, an out-of-memory, a lost worker).</summary>
    public const string Error = "error";

    /// <summary>The client did not finish before the round's deadline.</summary>
    public const string Deadline = "deadline";

    /// <summary>The client was unavailable for the round.</summary>
    public const string Dropout = "dropout";

    /// <summary>The client was unavailable for the round (availability trace or dropout draw): it did no work.</summary>
    public const string Dropped = "dropped";

    /// <summary>The client's simulated time exceeded the round's deadline, or over-selection closed the round first.</summary>
    public const string Late = "late";
}
