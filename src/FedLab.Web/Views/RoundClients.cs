using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>The client reports a page received for a round, and how many clients the round had.</summary>
public sealed record RoundClients(int Round, int Expected, IReadOnlyList<ClientRoundMetrics> Reported)
{
    public bool IsComplete => Reported.Count >= Expected;
}
