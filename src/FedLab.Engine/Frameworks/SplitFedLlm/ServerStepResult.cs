using FedLab.Engine.Federation;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>The server's loss on the batch and the gradient payload that goes down (null when the client does not train).</summary>
public sealed record ServerStepResult(float Loss, Payload? Gradient);
