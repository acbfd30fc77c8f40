using FedLab.Engine.Models;
using FedLab.Engine.Models.Bert;
using FedLab.Engine.Models.Bert.Import;
using FedLab.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Models;

[Trait(TestCategories.Key, TestCategories.RealModel)]
public sealed class PretrainedImportTests
{
    private static readonly string[] Sentences =
    [
        "Subject: win a free cruise now!!! click the link below",
        "The meeting has been moved to Thursday afternoon.",
        "Short one.",
    ];

    [Theory]
    [InlineData("minilm-l6")]
    [InlineData("arctic-xs")]
    public void TorchSharpForward_MatchesOnnxRuntime_OnHiddenStates(string modelId)
    {
        var info = ModelCatalog.Get(modelId);
        var tokenizer = TestModels.Store.LoadTokenizer(info);
        var encoded = Sentences.Select(s => tokenizer.Encode(s, 32)).ToArray();
        int batch = encoded.Length, tokens = encoded.Max(e => e.Length);
        var ids = new long[batch * tokens];
        var mask = new long[batch * tokens];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < encoded[b].Length; t++)
            {
                ids[b * tokens + t] = encoded[b][t];
                mask[b * tokens + t] = 1;
            }
        }

        float[] expected = RunOnnx(info, ids, mask, batch, tokens);

        using var scope = NewDisposeScope();
        var backbone = TestModels.Store.CreateBackbone(info, dropout: 0.0, CPU);
        using var model = new SequenceClassifier(backbone, 2, CPU);
        model.eval();
        using var _ = no_grad();
        var hidden = model.Encode(tensor(ids, [batch, tokens]), tensor(mask, [batch, tokens]));
        var actual = hidden.data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            int b = i / (tokens * backbone.HiddenSize), t = i / backbone.HiddenSize % tokens;
            if (mask[b * tokens + t] == 0)
            {
                continue; // padded positions are never read downstream
            }
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
        }
        Assert.True(maxDiff <= 1e-4, $"max |onnx - torch| = {maxDiff:E3}");
        Assert.True(expected.Select(Math.Abs).Max() > 0.1, "hidden states should not be trivially small");
    }

    [Fact]
    public void Import_NamesEveryLinearWeight_AndTransposesToOutIn()
    {
        var info = ModelCatalog.Get("minilm-l6");
        var graph = OnnxGraph.Parse(EmbeddedResourceReader.ReadResource(TestModels.Store.AssemblyPath(((PackageSource)info.Source).WeightsAssembly!), "model.onnx"));
        var named = OnnxBertWeights.Extract(graph);
        for (int layer = 0; layer < 6; layer++)
        {
            Assert.Equal([1536L, 384L], named[$"encoder.layer.{layer}.intermediate.dense.weight"].Dims);
            Assert.Equal([384L, 1536L], named[$"encoder.layer.{layer}.output.dense.weight"].Dims);
            Assert.Equal([384L, 384L], named[$"encoder.layer.{layer}.attention.self.query.weight"].Dims);
        }
        // 6 layers x 6 linear weights; the pooler (Gemm) is not used by mean pooling.
        Assert.Equal(36, named.Keys.Count(k => k.StartsWith("encoder.", StringComparison.Ordinal) && k.EndsWith("dense.weight", StringComparison.Ordinal) || k.Contains(".self.", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal)));
    }

    private static float[] RunOnnx(ModelInfo info, long[] ids, long[] mask, int batch, int tokens)
    {
        var onnx = EmbeddedResourceReader.ReadResource(TestModels.Store.AssemblyPath(((PackageSource)info.Source).WeightsAssembly!), "model.onnx");
        using var session = new InferenceSession(onnx);
        var shape = new[] { batch, tokens };
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
        };
        if (session.InputMetadata.ContainsKey("token_type_ids"))
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)));
        }
        using var results = session.Run(inputs);
        var hidden = results.First(r => r.AsTensor<float>().Dimensions.Length == 3);
        return hidden.AsTensor<float>().ToArray();
    }
}
