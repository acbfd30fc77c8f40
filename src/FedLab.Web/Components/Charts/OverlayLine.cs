namespace FedLab.Web.Components.Charts;

/// <summary>One run's line on a comparison chart.</summary>
public sealed record OverlayLine(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color);
