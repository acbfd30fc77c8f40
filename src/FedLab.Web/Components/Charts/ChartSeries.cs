using FedLab.Web.Views;

namespace FedLab.Web.Components.Charts;

/// <summary>One trace of a per-round chart: its name, how to read its value from a round, and how to draw it.</summary>
public sealed record ChartSeries(string Name, Func<RoundPoint, double?> Value, string Color, bool Bar = false, bool SecondAxis = false, bool Dashed = false);
