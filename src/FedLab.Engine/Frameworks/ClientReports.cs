using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>Where a framework reports each client of a round as it finishes or fails; the executor turns these into events.</summary>
public sealed class ClientReports(Action<ClientRoundMetrics> finished, Action<ClientFailure> failed)
{
    public static ClientReports None { get; } = new(_ => { }, _ => { });

    public void Finished(ClientRoundMetrics metrics) => finished(metrics);

    public void Failed(ClientFailure failure) => failed(failure);
}
