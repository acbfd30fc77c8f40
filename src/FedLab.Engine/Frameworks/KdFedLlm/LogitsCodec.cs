using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// The wire format of KD, as safetensors documents. What travels are log-probabilities (logits shifted by their
/// log-sum-exp, which softmax cannot tell apart from the raw logits) on the public set, one row per public example:
/// all classes: "logits" [N, C] in fp32 or fp16;
/// top-k: "indices" [N, k] I32 and "values" [N, k] in fp32 or fp16, the k most probable classes of each row.
/// Normalised values make top-k exact in mass: the receiver gives the classes it did not get the remaining
/// probability 1 − Σ top-k, shared equally (for two classes and k = 1 the row is reconstructed exactly).
/// A top-k of C or more sends every class (the indices would add bytes and nothing else).
/// </summary>
public static class LogitsCodec
{
    public static Payload Encode(Tensor logProbs, int? topK, WirePrecision precision)
    {
        using var scope = NewDisposeScope();
        var values = logProbs.detach();
        long classes = values.shape[1];
        var type = precision == WirePrecision.Fp16 ? ScalarType.Float16 : ScalarType.Float32;
        if (topK is not int k || k >= classes)
        {
            return new Payload(PayloadKind.Logits, SafeTensors.Serialize([new("logits", values.to_type(type))]));
        }
        var (top, indices) = values.topk(k, dim: 1, largest: true, sorted: true);
        return new Payload(PayloadKind.Logits, SafeTensors.Serialize([new("indices", indices.to_type(ScalarType.Int32)), new("values", top.to_type(type))]));
    }

    /// <summary>Full [N, C] float32 log-probabilities from a payload; the caller owns the result.</summary>
    public static Tensor Decode(Payload payload, int classes, Device device)
    {
        using var scope = NewDisposeScope();
        var file = SafeTensors.Deserialize(payload.Bytes, device);
        if (file.Tensors.Any(t => t.Key == "logits"))
        {
            var full = file["logits"].to_type(ScalarType.Float32);
            if (full.shape[1] != classes)
            {
                throw new InvalidDataException($"logits payload has {full.shape[1]} classes, expected {classes}");
            }
            return full.log_softmax(1).MoveToOuterDisposeScope();
        }
        var values = file["values"].to_type(ScalarType.Float32);
        var indices = file["indices"].to_type(ScalarType.Int64);
        long rows = values.shape[0], k = values.shape[1];
        if (k >= classes)
        {
            throw new InvalidDataException($"top-k payload has k = {k} for {classes} classes");
        }
        // log(1 − Σ p_top) as log(−expm1(logsumexp(values))): exact even when the top classes hold nearly all the mass.
        var remaining = values.logsumexp(1, keepdim: true).clamp_max(-1e-30).expm1().neg().clamp_min(1e-30).log() - Math.Log(classes - k);
        var result = remaining.expand(rows, classes).contiguous();
        result.scatter_(1, indices, values);
        // Renormalise: rounding (and fp16) can leave the mass a little off 1.
        return result.log_softmax(1).MoveToOuterDisposeScope();
    }
}
