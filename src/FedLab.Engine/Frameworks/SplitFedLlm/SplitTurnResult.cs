namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// One client's turn of split training: examples, steps, mean loss, client-side FLOPs, and wall time split into the
/// client's part (its blocks, its optimizer, its (de)serialisation) and the server's part.
/// </summary>
public sealed record SplitTurnResult(int Examples, int Steps, double MeanLoss, double ClientFlops, double ClientSeconds, double ServerSeconds, double ServerFlops = 0);
