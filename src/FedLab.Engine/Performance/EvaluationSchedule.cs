using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Performance;

/// <summary>
/// Which rounds the executor evaluates (spec <c>evaluation.everyRounds</c>: round 0, every n-th round and the last
/// round) and on what (<c>evaluation.subset</c>: the fixed test subset before the last round, the whole test split at
/// the last). A round that is not evaluated reports the metrics of the last evaluated round, marked with the named
/// metric <see cref="FromRound"/> (the round whose model they measure); early stopping observes evaluated rounds only.
/// </summary>
public sealed class EvaluationSchedule(RunEnvironment env)
{
    /// <summary>Named metric of a round that was not evaluated: the round whose evaluation it repeats.</summary>
    public const string FromRound = "evaluation.fromRound";

    private (EvalMetrics Global, EvalMetrics? Validation, int Round)? _last;

    /// <summary>The round's test and validation metrics, evaluated now or repeated; Evaluated says which.</summary>
    public (EvalMetrics Global, EvalMetrics? Validation, bool Evaluated) Run(int round, Func<EvalMetrics> test, Func<EvalMetrics?> validation)
    {
        var spec = env.Spec;
        bool last = round >= spec.Training.Rounds;
        int every = Math.Max(1, spec.Evaluation?.EveryRounds ?? 1);
        if (_last is { } previous && !last && round % every != 0)
        {
            var repeated = previous.Global with { Extra = MetricNames.Merge(previous.Global.Extra, new Dictionary<string, double> { [FromRound] = previous.Round }) };
            return (repeated, previous.Validation, false);
        }
        env.Evaluation.UseTestSubset = !last && spec.Evaluation?.Subset is not null;
        try
        {
            var global = test();
            var v = validation();
            _last = (global, v, round);
            return (global, v, true);
        }
        finally
        {
            env.Evaluation.UseTestSubset = false;
        }
    }
}
