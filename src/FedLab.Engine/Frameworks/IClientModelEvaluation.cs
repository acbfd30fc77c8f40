namespace FedLab.Engine.Frameworks;

/// <summary>
/// Implemented by frameworks whose clients keep their own models (KD): the mean and population standard deviation of
/// every client's own model's test accuracy as of the last <see cref="IFederatedAlgorithm.Evaluate"/>. The executor
/// copies them into <see cref="Runs.RoundMetrics.ClientAccuracyMean"/> and <see cref="Runs.RoundMetrics.ClientAccuracyStd"/>.
/// </summary>
public interface IClientModelEvaluation
{
    (double Mean, double Std)? ClientAccuracy { get; }
}
