using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// The wire format of split learning, as safetensors documents:
/// up (Activations): "hidden" [batch, tokens, hidden] in fp32 or fp16 and "attention_mask" [batch, tokens] as U8
/// (the server needs the mask for its attention and pooling; it is counted with the activations);
/// up (Labels): "labels" [batch] I64; down (ActivationGradients): "grad" [batch, tokens, hidden] in the same precision.
/// Decoded tensors belong to the caller's dispose scope.
/// </summary>
public static class ActivationCodec
{
    public static Payload EncodeActivations(Tensor hidden, Tensor attentionMask, WirePrecision precision)
    {
        using var detached = hidden.detach();
        using var wire = precision == WirePrecision.Fp16 ? detached.to_type(ScalarType.Float16) : detached.alias();
        using var mask = attentionMask.to_type(ScalarType.Byte);
        return new Payload(PayloadKind.Activations, SafeTensors.Serialize([new("hidden", wire), new("attention_mask", mask)]));
    }

    /// <summary>The server's copy of the activations: a float32 leaf (requiring grad when the client trains) and the mask.</summary>
    public static (Tensor Hidden, Tensor AttentionMask) DecodeActivations(Payload payload, Device device, bool requiresGrad)
    {
        var file = SafeTensors.Deserialize(payload.Bytes, device);
        var hidden = file["hidden"];
        if (hidden.dtype != ScalarType.Float32)
        {
            hidden = hidden.to_type(ScalarType.Float32);
        }
        hidden.requires_grad_(requiresGrad);
        var mask = file["attention_mask"].to_type(ScalarType.Int64);
        return (hidden, mask);
    }

    public static Payload EncodeLabels(Tensor labels) =>
        new(PayloadKind.Labels, SafeTensors.Serialize([new("labels", labels)]));

    public static Tensor DecodeLabels(Payload payload, Device device) => SafeTensors.Deserialize(payload.Bytes, device)["labels"];

    public static Payload EncodeGradient(Tensor gradient, WirePrecision precision)
    {
        using var wire = precision == WirePrecision.Fp16 ? gradient.to_type(ScalarType.Float16) : gradient.alias();
        return new Payload(PayloadKind.ActivationGradients, SafeTensors.Serialize([new("grad", wire)]));
    }

    public static Tensor DecodeGradient(Payload payload, Device device)
    {
        var gradient = SafeTensors.Deserialize(payload.Bytes, device)["grad"];
        return gradient.dtype == ScalarType.Float32 ? gradient : gradient.to_type(ScalarType.Float32);
    }
}
