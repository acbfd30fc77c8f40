using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class LogitsCodecTests
{
    private static Tensor LogProbs(int rows, int classes, long seed)
    {
        random.manual_seed(seed);
        return randn(rows, classes).mul(3).log_softmax(1);
    }

    [Fact]
    public void AllClasses_Fp32_RoundTripsExactly_AndCostsWhatItCarries()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(50, 10, 1);
        var payload = LogitsCodec.Encode(logProbs, topK: null, WirePrecision.Fp32);
        Assert.Equal(PayloadKind.Logits, payload.Kind);
        Assert.Equal(SafeTensors.Serialize([new("logits", logProbs)]).Length, payload.Length);
        var back = LogitsCodec.Decode(payload, 10, CPU);
        Assert.True((back - logProbs).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void Fp16_HalvesTheValues_AndStaysClose()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(50, 10, 2);
        var full = LogitsCodec.Encode(logProbs, null, WirePrecision.Fp32);
        var half = LogitsCodec.Encode(logProbs, null, WirePrecision.Fp16);
        // 500 values at 2 bytes instead of 4; the headers differ only in "F16" vs "F32" and padding.
        Assert.InRange(full.Length - half.Length, 50 * 10 * 2 - 8, 50 * 10 * 2 + 8);
        var back = LogitsCodec.Decode(half, 10, CPU);
        Assert.True((back.exp() - logProbs.exp()).abs().max().item<float>() < 2e-3);
    }

    [Fact]
    public void TopK_SendsIndicesAndValues_KeepsTheTopClassesExactly_AndSharesTheRestEqually()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(40, 10, 3);
        var payload = LogitsCodec.Encode(logProbs, 3, WirePrecision.Fp32);
        using (var file = SafeTensors.Deserialize(payload.Bytes))
        {
            Assert.Equal(["indices", "values"], file.Tensors.Select(t => t.Key));
            Assert.Equal(ScalarType.Int32, file["indices"].dtype);
            Assert.Equal([40L, 3L], file["values"].shape);
        }
        var back = LogitsCodec.Decode(payload, 10, CPU);
        var (top, indices) = logProbs.topk(3, 1);
        Assert.True((back.gather(1, indices) - top).abs().max().item<float>() < 1e-5);
        Assert.True((back.exp().sum(1) - 1).abs().max().item<float>() < 1e-5);
        // The seven classes not sent share the remaining mass equally.
        var p = back.exp();
        var rest = p.scatter(1, indices, zeros(40, 3));
        var expected = (1 - top.exp().sum(1, keepdim: true)) / 7;
        Assert.True((rest.sum(1, keepdim: true) / 7 - expected).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void TopOneOfTwoClasses_IsExact()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(30, 2, 4);
        var back = LogitsCodec.Decode(LogitsCodec.Encode(logProbs, 1, WirePrecision.Fp32), 2, CPU);
        // Exact up to float32 rounding of the probabilities (a row so sure that log p rounds to 0 keeps p = 1).
        Assert.True((back.exp() - logProbs.exp()).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void TopKOfEveryClass_SendsTheFullMatrix()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(8, 4, 5);
        Assert.Equal(LogitsCodec.Encode(logProbs, null, WirePrecision.Fp32).Bytes, LogitsCodec.Encode(logProbs, 4, WirePrecision.Fp32).Bytes);
    }

    [Fact]
    public void Aggregation_WeightsByExamples_OrByExamplesTimesConfidence()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 0.9f, 0.1f, 0.5f, 0.5f }, [2, 2]).log();
        var b = tensor(new float[] { 0.2f, 0.8f, 0.7f, 0.3f }, [2, 2]).log();
        using (var byExamples = new LogitsAggregator(2, 2, KdAggregation.Examples, CPU))
        {
            byExamples.Add(a, 30);
            byExamples.Add(b, 10);
            var p = byExamples.Consensus().exp();
            Assert.Equal((0.9 * 30 + 0.2 * 10) / 40, p[0, 0].item<float>(), 5);
            Assert.Equal((0.5 * 30 + 0.7 * 10) / 40, p[1, 0].item<float>(), 5);
        }
        using (var byConfidence = new LogitsAggregator(2, 2, KdAggregation.Confidence, CPU))
        {
            byConfidence.Add(a, 30);
            byConfidence.Add(b, 10);
            var p = byConfidence.Consensus().exp();
            double wa = 30 * 0.9, wb = 10 * 0.8;
            Assert.Equal((0.9 * wa + 0.2 * wb) / (wa + wb), p[0, 0].item<float>(), 5);
            wa = 30 * 0.5;
            wb = 10 * 0.7;
            Assert.Equal((0.5 * wa + 0.7 * wb) / (wa + wb), p[1, 0].item<float>(), 5);
        }
    }
}
