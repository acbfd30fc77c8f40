using System.Text.Json;
using FedLab.Data.Entities;
using FedLab.Engine.Runs;

namespace FedLab.Data.Queries;

/// <summary>
/// Entities to the public rows, the one mapping every reader uses (the store's queries and the dashboard's
/// aggregated run-page reads). NULL metrics (SQLite's NaN) become NaN again.
/// </summary>
public static class RowMapping
{
    public static RunStatus Status(string status) => RunStatusNames.TryParse(status, out var s) ? s : RunStatus.Failed;

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is DateTime v ? Utc(v) : null;

    public static RunSummaryRow Summary(RunEntity r, string? experimentName) => new()
    {
        Id = r.Id,
        Name = r.Name,
        ExperimentId = r.ExperimentId,
        ExperimentName = experimentName,
        Framework = r.Framework,
        Model = r.Model,
        Dataset = r.Dataset,
        PartitionKind = r.PartitionKind,
        Clients = r.Clients,
        Alpha = r.Alpha,
        Seed = r.Seed,
        Device = r.Device,
        Status = Status(r.Status),
        Error = r.Error,
        RoundsDone = r.LastRound ?? 0,
        TotalRounds = r.TotalRounds,
        BestAccuracy = r.BestAccuracy,
        AccuracyMetric = AccuracyMetrics.Of(r.SpecJson),
        BestRound = r.BestRound,
        FinalAccuracy = r.FinalAccuracy,
        BytesUp = r.TotalBytesUp,
        BytesDown = r.TotalBytesDown,
        ClientFlops = r.TotalClientFlops,
        CreatedAt = Utc(r.CreatedAt),
        StartedAt = Utc(r.StartedAt),
        FinishedAt = Utc(r.FinishedAt),
        Seconds = r.TotalSeconds,
        Resumes = r.Resumes,
    };

    public static RunFacts? Facts(RunEntity r) => r.ModelDisplayName is null ? null : new RunFacts
    {
        Device = r.Device,
        ModelDisplayName = r.ModelDisplayName,
        TotalParameters = r.TotalParameters ?? 0,
        TrainableParameters = r.TrainableParameters ?? 0,
        TrainableStateBytes = r.TrainableStateBytes ?? 0,
        TrainExamples = r.TrainExamples ?? 0,
        TestExamples = r.TestExamples ?? 0,
        PublicExamples = r.PublicExamples ?? 0,
        EngineVersion = r.EngineVersion ?? "",
    };

    public static IReadOnlyList<string> ClassNames(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    public static RoundRow Round(RoundEntity r, PayloadBytes up, PayloadBytes down, IReadOnlyDictionary<string, double>? extra = null) => new()
    {
        Extra = extra ?? NoMetrics,
        Round = r.Round,
        Accuracy = r.Accuracy ?? double.NaN,
        MacroF1 = r.MacroF1 ?? double.NaN,
        Loss = r.Loss ?? double.NaN,
        EvalExamples = r.EvalExamples,
        Clients = r.Clients,
        BytesUp = r.BytesUp,
        BytesDown = r.BytesDown,
        Up = up,
        Down = down,
        ClientFlops = r.ClientFlops,
        ClientSeconds = r.ClientSeconds,
        ServerSeconds = r.ServerSeconds,
        EvalSeconds = r.EvalSeconds,
        WallSeconds = r.WallSeconds,
        TrainLoss = r.TrainLoss,
        ClientAccuracyMean = r.ClientAccuracyMean,
        ClientAccuracyStd = r.ClientAccuracyStd,
        FinishedAt = Utc(r.FinishedAt),
    };

    public static ClientRoundRow ClientRound(ClientRoundEntity c, PayloadBytes up, PayloadBytes down, IReadOnlyDictionary<string, double>? extra = null) => new()
    {
        Extra = extra ?? NoMetrics,
        Round = c.Round,
        ClientId = c.ClientId,
        Examples = c.Examples,
        Steps = c.Steps,
        TrainLoss = c.TrainLoss ?? double.NaN,
        BytesUp = c.BytesUp,
        BytesDown = c.BytesDown,
        Up = up,
        Down = down,
        Flops = c.Flops,
        Seconds = c.Seconds,
        Accuracy = c.Accuracy,
        Status = c.Status,
        Reason = c.Reason,
    };

    public static readonly IReadOnlyDictionary<string, double> NoMetrics = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Named-metric rows to a map by name, in name order; NULL (SQLite's NaN) back to NaN.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(IEnumerable<(string Name, double? Value)> rows)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in rows)
        {
            metrics[name] = value ?? double.NaN;
        }
        return metrics.Count == 0 ? NoMetrics : metrics;
    }

    /// <summary>Traffic rows (kind name, up, down) to the two directions' bytes.</summary>
    public static (PayloadBytes Up, PayloadBytes Down) Traffic(IEnumerable<(string Kind, long Up, long Down)> rows)
    {
        var list = rows as IReadOnlyCollection<(string Kind, long Up, long Down)> ?? [.. rows];
        return list.Count == 0
            ? (PayloadBytes.Zero, PayloadBytes.Zero)
            : (PayloadBytes.From(list.Select(t => new KeyValuePair<PayloadKind, long>(new PayloadKind(t.Kind), t.Up))),
               PayloadBytes.From(list.Select(t => new KeyValuePair<PayloadKind, long>(new PayloadKind(t.Kind), t.Down))));
    }

    public static ClientPartitionRow Partition(PartitionEntity p) =>
        new(p.ClientId, p.Examples, JsonSerializer.Deserialize<int[]>(p.LabelCountsJson) ?? []);
}
