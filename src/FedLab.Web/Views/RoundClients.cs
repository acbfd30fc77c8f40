using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>The client reports a page received for a round (results and failures), and how many clients the round had.</summary>
public sealed record RoundClients(int Round, int Expected, IReadOnlyList<ClientRoundMetrics> Reported, IReadOnlyList<ClientFailure> Failed)
{
    public bool IsComplete => Reported.Count >= Expected;

    public RoundReports Reports => new(Reported, Failed);
}
