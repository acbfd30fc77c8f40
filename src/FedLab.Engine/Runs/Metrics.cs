namespace FedLab.Engine.Runs;

/// <summary>
/// Accuracy, macro-F1 and mean cross-entropy of a model on the test split, plus any further named metrics the
/// evaluation measured (<see cref="MetricNames"/>: "test.balancedAccuracy", "validation.accuracy", ...).
/// </summary>
public sealed record EvalMetrics(double Accuracy, double MacroF1, double Loss, int Examples, IReadOnlyDictionary<string, double>? Extra = null)
{
    /// <summary>
    /// The confusion matrix and imbalance-aware rates of the same evaluation (null where none was computed, e.g. a
    /// resumed KD consensus whose clients' details were not checkpointed). Not part of the JSON: the executor reports
    /// it as named per-round metrics (<see cref="EvaluationExtras"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EvalDetail? Detail { get; init; }

    /// <summary>Equal numbers and equal named metrics (by content); the detail follows from them.</summary>
    public bool Equals(EvalMetrics? other) =>
        other is not null && Accuracy.Equals(other.Accuracy) && MacroF1.Equals(other.MacroF1) && Loss.Equals(other.Loss) && Examples == other.Examples
        && SameMetrics(Extra, other.Extra);

    public override int GetHashCode() => HashCode.Combine(Accuracy, MacroF1, Loss, Examples, Extra?.Count ?? 0);

    private static bool SameMetrics(IReadOnlyDictionary<string, double>? a, IReadOnlyDictionary<string, double>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0)
        : b is not null && a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v.Equals(kv.Value));
}

/// <summary>One client's work in one round.</summary>
public sealed record ClientRoundMetrics(
    int Round,
    int ClientId,
    int Examples,
    int Steps,
    double TrainLoss,
    long BytesDown,
    long BytesUp,
    IReadOnlyDictionary<PayloadKind, long> BytesDownByKind,
    IReadOnlyDictionary<PayloadKind, long> BytesUpByKind,
    double Flops,
    double Seconds,
    double? Accuracy = null,
    IReadOnlyDictionary<string, double>? Extra = null);

/// <summary>
/// One round, after aggregation and evaluation of the global model. Round 0 is the evaluation before
/// training (no clients, no bytes). Byte and FLOP totals are sums over the round's clients.
/// ClientAccuracyMean/Std: mean and standard deviation of the clients' own models' test accuracy, for
/// frameworks whose clients keep their own models (KD); null otherwise.
/// Extra: the open set of further named metrics of the round (<see cref="MetricNames"/>), from the evaluation and
/// from the round itself (a privacy accountant's ε, a simulated clock); stored as rows, so a new one needs no schema.
/// </summary>
public sealed record RoundMetrics(
    int Round,
    EvalMetrics Global,
    int Clients,
    long BytesDown,
    long BytesUp,
    IReadOnlyDictionary<PayloadKind, long> BytesDownByKind,
    IReadOnlyDictionary<PayloadKind, long> BytesUpByKind,
    double ClientFlops,
    double ClientSeconds,
    double ServerSeconds,
    double EvalSeconds,
    double WallSeconds,
    double? TrainLoss,
    double? ClientAccuracyMean = null,
    double? ClientAccuracyStd = null,
    IReadOnlyDictionary<string, double>? Extra = null);

/// <summary>Facts about a run fixed at start: where it runs and what it trains.</summary>
public sealed record RunInfo(
    string Device,
    string ModelDisplayName,
    long TotalParameters,
    long TrainableParameters,
    long TrainableStateBytes,
    int TrainExamples,
    int TestExamples,
    int PublicExamples,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<int[]> ClientLabelHistograms,
    string EngineVersion);

/// <summary>A finished run: its info, every round, every client round, and the client rounds that failed (dropped, late, error; null when none).</summary>
public sealed record RunResult(
    Guid RunId,
    RunSpec Spec,
    RunInfo Info,
    RunStatus Status,
    IReadOnlyList<RoundMetrics> Rounds,
    IReadOnlyList<ClientRoundMetrics> ClientRounds,
    string? Error,
    double WallSeconds,
    IReadOnlyList<ClientFailure>? FailedClientRounds = null)
{
    /// <summary>The test accuracy at the round chosen on the validation split (never round 0; <see cref="RoundSelection"/>).</summary>
    public double BestAccuracy => RoundSelection.Best(Rounds) is { } best ? Rounds.First(r => r.Round == best.Round).Global.Accuracy : FinalAccuracy;

    /// <summary>The round <see cref="BestAccuracy"/> comes from and how it was chosen; null before any trained round.</summary>
    public SelectedRound? BestRound => RoundSelection.Best(Rounds);
    public double FinalAccuracy => Rounds.Count == 0 ? 0 : Rounds[^1].Global.Accuracy;
}

/// <summary>A run's state. In JSON (the CLI's --out, compare files) the same lower-case names as the REST API and exports.</summary>
public enum RunStatus
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("queued")]
    Queued,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("running")]
    Running,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("finished")]
    Finished,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("failed")]
    Failed,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("cancelled")]
    Cancelled,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("interrupted")]
    Interrupted,
}
