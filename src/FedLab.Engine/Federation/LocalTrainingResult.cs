namespace FedLab.Engine.Federation;

/// <summary>What one stretch of local training did: examples seen, optimizer steps, mean loss, FLOPs, seconds.</summary>
public sealed record LocalTrainingResult(int Examples, int Steps, double MeanLoss, double Flops, double Seconds);
