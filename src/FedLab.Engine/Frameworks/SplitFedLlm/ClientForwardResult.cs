using FedLab.Engine.Federation;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>What the client's forward produced: its activations (with their graph) and the two payloads that go up.</summary>
public sealed record ClientForwardResult(Tensor Activations, Payload ActivationsPayload, Payload LabelsPayload);
