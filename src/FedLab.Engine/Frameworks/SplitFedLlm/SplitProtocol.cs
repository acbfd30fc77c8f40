using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// One batch of split learning over real payloads. The client runs <see cref="SequenceClassifier.Bottom"/> and sends
/// the activations (with the mask) and the labels; the server deserialises the activations into a leaf tensor, runs
/// <see cref="SequenceClassifier.Top"/>, the loss and backward, and sends back the gradient of that leaf; the client
/// deserialises it and back-propagates it through its own blocks. Optimizer steps are the caller's, so the same
/// protocol serves training, the split-equals-unsplit test and the benchmark. Runs inside the caller's dispose scope.
/// </summary>
public sealed class SplitProtocol(SequenceClassifier model, int cut, WirePrecision precision, bool clientTrains, Device device)
{
    public int Cut => cut;

    /// <summary>False when nothing below the cut trains (head-only): then no gradient travels down.</summary>
    public bool ClientTrains => clientTrains;

    /// <summary>Client side: embeddings and blocks [0, cut); returns the activations (kept for backward) and what goes up.</summary>
    public ClientForwardResult ClientForward(Batch data)
    {
        Tensor hidden;
        if (clientTrains)
        {
            hidden = model.Bottom(data.InputIds, data.AttentionMask, cut);
        }
        else
        {
            using var _ = no_grad();
            hidden = model.Bottom(data.InputIds, data.AttentionMask, cut);
        }
        return new ClientForwardResult(hidden, ActivationCodec.EncodeActivations(hidden, data.AttentionMask, precision), ActivationCodec.EncodeLabels(data.Labels));
    }

    /// <summary>Server side: blocks [cut, L), head, cross-entropy and backward. Returns the loss and the gradient payload (null when the client does not train).</summary>
    public ServerStepResult ServerStep(Payload activations, Payload labels)
    {
        var (hidden, mask) = ActivationCodec.DecodeActivations(activations, device, clientTrains);
        var target = ActivationCodec.DecodeLabels(labels, device);
        var logits = model.Top(hidden, mask, cut);
        var loss = nn.functional.cross_entropy(logits, target);
        loss.backward();
        var gradient = clientTrains
            ? ActivationCodec.EncodeGradient(hidden.grad ?? throw new InvalidOperationException("the server's activation leaf received no gradient"), precision)
            : null;
        return new ServerStepResult(loss.item<float>(), gradient, (int)hidden.shape[0], (int)hidden.shape[1]);
    }

    /// <summary>Client side: back-propagates the server's gradient through the client's blocks.</summary>
    public void ClientBackward(Tensor activations, Payload gradient)
    {
        var g = ActivationCodec.DecodeGradient(gradient, device);
        activations.backward([g]);
    }
}
