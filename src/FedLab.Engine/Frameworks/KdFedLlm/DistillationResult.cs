namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>What one stretch of distillation did: optimizer steps, mean KL loss (×T²), FLOPs.</summary>
internal sealed record DistillationResult(int Steps, double MeanLoss, double Flops);
