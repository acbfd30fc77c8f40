namespace FedLab.Engine.Runs;

/// <summary>
/// Stops a run after <c>patience</c> rounds in a row without a better validation accuracy than the best so far
/// (training.earlyStoppingPatience). Without a patience, or without validation metrics, it never stops a run.
/// </summary>
internal sealed class EarlyStopping(int? patience)
{
    private double _best = double.NegativeInfinity;
    private int _bestRound;

    public bool ShouldStop { get; private set; }

    public void Observe(int round, double? validationAccuracy)
    {
        if (patience is not int p || validationAccuracy is not double v || !double.IsFinite(v))
        {
            return;
        }
        if (v > _best)
        {
            (_best, _bestRound) = (v, round);
        }
        else if (round - _bestRound >= p)
        {
            ShouldStop = true;
        }
    }
}
