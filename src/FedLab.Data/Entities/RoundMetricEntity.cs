namespace FedLab.Data.Entities;

/// <summary>
/// One named metric of one round beyond the fixed columns of <see cref="RoundEntity"/> (the open set of
/// <see cref="FedLab.Engine.Runs.MetricNames"/>: "validation.accuracy", "privacy.epsilon", ...). Names are rows, not
/// columns, so a new metric needs no schema change, as payload kinds in <see cref="RoundTrafficEntity"/>.
/// Value is NULL for NaN (SQLite's rule; the readers turn it back).
/// </summary>
public sealed class RoundMetricEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    public required string Name { get; set; }
    public double? Value { get; set; }
}
