namespace FedLab.Data;

/// <summary>
/// How a client round ended: <see cref="Ok"/>, or the failure kind the engine reported (an open set of short names
/// such as "error", "deadline", "dropout"; see <see cref="FedLab.Engine.Runs.ClientFailureKinds"/>).
/// </summary>
public static class ClientRoundStatus
{
    public const string Ok = "ok";

    public static bool IsFailure(string status) => status != Ok;
}
