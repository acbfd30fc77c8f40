namespace FedLab.Web.Components.Charts;

/// <summary>One run's line on a comparison chart.</summary>
public sealed record OverlayLine(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color)
{
    /// <summary>Drawn dashed: a series of a different kind (e.g. KD consensus, the mean of the clients' own models).</summary>
    public bool Dashed { get; init; }
}
