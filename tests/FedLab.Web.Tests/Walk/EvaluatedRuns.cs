using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Diagnostics;

namespace FedLab.Web.Tests.Walk;

/// <summary>
/// Records runs with the evaluation metrics the executor reports (EvaluationExtras) through the real recorder, without
/// training: the case of a two-class test split of 300 examples, 275 (91.7%) of one class, and a run that
/// predicts only that class, beside one that learns.
/// </summary>
internal static class EvaluatedRuns
{
    public static readonly int[] TestCounts = [25, 275];
    public static readonly string[] Classes = ["business", "other"];

    /// <summary>Always predicts "other": every round is the majority baseline (accuracy 91.67%, macro-F1 0.478).</summary>
    public static Task<Guid> MajorityPredictorAsync(RunStore store, RunRecorderFactory recorders, string name, string framework = "fedllm") =>
        RecordAsync(store, recorders, name, framework, round => (0, 25, 0, 275), validation: _ => 0.92);

    /// <summary>Learns: the minority class is found more every round.</summary>
    public static Task<Guid> LearnerAsync(RunStore store, RunRecorderFactory recorders, string name, string framework = "fedllm") =>
        RecordAsync(store, recorders, name, framework, round => (Math.Min(25, 8 * round), 25 - Math.Min(25, 8 * round), round == 0 ? 0 : 2, round == 0 ? 275 : 273),
            validation: round => 0.9 + 0.02 * round);

    private static async Task<Guid> RecordAsync(RunStore store, RunRecorderFactory recorders, string name, string framework,
        Func<int, (int TP, int FN, int FP, int TN)> confusion, Func<int, double> validation, int rounds = 4)
    {
        var spec = SyntheticRun.Spec(rounds, 2, name) with { Framework = framework };
        var id = await store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = recorders.Create(id);
        var t0 = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var info = new RunInfo("cpu", "synthetic", 1000, 100, 400, 900, 300, 0, Classes, [[40, 410], [41, 409]], "synthetic");
        recorder.Publish(new RunStarted(id, t0, spec, info, 0));
        var none = new Dictionary<PayloadKind, long>();
        for (int r = 0; r <= rounds; r++)
        {
            var (tp, fn, fp, tn) = confusion(r);
            long[,] matrix = { { tp, fn }, { fp, tn } };
            var detail = EvalDetail.From(matrix);
            double accuracy = (tp + tn) / 300.0;
            double macroF1 = detail.F1.Average();
            var eval = new EvalMetrics(accuracy, macroF1, 0.3, 300) { Detail = detail with { Auprc = (tp + 1) / 26.0, AuprcClass = 0 } };
            var validationMetrics = new EvalMetrics(validation(r), macroF1, 0.3, 90);
            var counts = r == 0 ? new Dictionary<string, int[]> { ["train"] = [81, 819], ["validation"] = [8, 82], ["test"] = TestCounts } : null;
            var extra = EvaluationExtras.For(eval, validationMetrics, counts);
            var bytes = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = r == 0 ? 0 : 4000 };
            var metrics = new RoundMetrics(r, eval, r == 0 ? 0 : 2, r == 0 ? 0 : 4000, r == 0 ? 0 : 4000, r == 0 ? none : bytes, r == 0 ? none : bytes,
                r * 1e9, 0.1, 0.01, 0.1, 0.5, r == 0 ? null : 0.4, Extra: extra);
            recorder.Publish(new RoundFinished(id, t0.AddSeconds(r), metrics, rounds, null));
        }
        recorder.Publish(new RunFinished(id, t0.AddSeconds(rounds + 1), 0, 0, rounds));
        return id;
    }
}
