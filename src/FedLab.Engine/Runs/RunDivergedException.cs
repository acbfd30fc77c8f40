namespace FedLab.Engine.Runs;

/// <summary>
/// A round produced a non-finite loss (NaN or ±∞): training has diverged and further rounds cannot recover.
/// The executor ends the run as <see cref="RunStatus.Failed"/> with this message, after recording the round.
/// </summary>
public sealed class RunDivergedException(string message) : Exception(message)
{
    /// <summary>The message for the first non-finite loss of a round, or null when every loss is finite.</summary>
    public static string? Check(RoundMetrics round)
    {
        if (round.TrainLoss is double train && !double.IsFinite(train))
        {
            return Describe("the training loss", train, round.Round);
        }
        return double.IsFinite(round.Global.Loss) ? null : Describe("the evaluation loss", round.Global.Loss, round.Round);
    }

    private static string Describe(string what, double value, int round) =>
        $"diverged: {what} was {(double.IsNaN(value) ? "NaN" : value > 0 ? "+∞" : "-∞")} in round {round} " +
        "(lower the learning rate, or raise the KD temperature; the rounds before it are kept)";
}
