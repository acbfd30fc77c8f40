using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>The client reports of one round: the clients that finished and the ones that failed.</summary>
public sealed record RoundReports(IReadOnlyList<ClientRoundMetrics> Finished, IReadOnlyList<ClientFailure> Failed)
{
    public static RoundReports None { get; } = new([], []);
}
