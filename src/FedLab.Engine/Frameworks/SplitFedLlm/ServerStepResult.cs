using FedLab.Engine.Federation;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// The server's loss on the batch, the gradient payload that goes down (null when the client does not train), and the
/// batch's examples and tokens as they arrived (for the server's FLOPs).
/// </summary>
public sealed record ServerStepResult(float Loss, Payload? Gradient, int Examples = 0, int Tokens = 0);
