namespace FedLab.Engine.Federation.Remote;

/// <summary>What one client's work measured: examples, optimizer steps, mean loss, FLOPs and client wall seconds.</summary>
public sealed record ClientProgramResult(int Examples, int Steps, double MeanLoss, double Flops, double Seconds)
{
    public static ClientProgramResult Of(LocalTrainingResult r) => new(r.Examples, r.Steps, r.MeanLoss, r.Flops, r.Seconds);

    public LocalTrainingResult Training => new(Examples, Steps, MeanLoss, Flops, Seconds);
}
