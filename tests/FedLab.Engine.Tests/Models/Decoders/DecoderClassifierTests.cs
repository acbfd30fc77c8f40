using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Models.Decoders;

/// <summary>
/// A decoder as a classifier (last real token pooled into the head): LoRA with B at zero changes nothing, a split at
/// every cut equals the whole model (positions and the causal mask recomputed on each side), right padding does not
/// change a text's logits, and the LoRA targets are PEFT's module names.
/// </summary>
public sealed class DecoderClassifierTests
{
    public static TheoryData<string> Families() => [.. TinyDecoders.Families];

    private static SequenceClassifier Classifier(string family, long seed = 1)
    {
        random.manual_seed(seed);
        var backbone = TestModels.Store.CreateBackbone(DecoderTestModels.Info(family), dropout: 0.0, CPU);
        var model = new SequenceClassifier(backbone, 3, CPU);
        model.eval();
        return model;
    }

    private static (Tensor Ids, Tensor Mask) Batch()
    {
        // Two texts of 11 and 7 tokens, right-padded with the pad id.
        var ids = tensor(new long[] { 256, 72, 101, 108, 108, 111, 257, 44, 119, 111, 114, 256, 65, 66, 67, 32, 116, 270, 0, 0, 0, 0 }, [2, 11]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, [2, 11]);
        return (ids, mask);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void LoraWithZeroB_OnEveryTarget_LeavesOutputsUnchanged(string family)
    {
        using var scope = NewDisposeScope();
        var model = Classifier(family);
        var (ids, mask) = Batch();
        using var _ = no_grad();
        var before = model.forward(ids, mask).clone();
        var targets = DecoderTestModels.Info(family).Family.LoraTargetNames.ToHashSet();
        model.AddLora(new LoraOptions(4, 8, 0.0, targets), CPU);
        model.eval();
        Assert.Equal(0.0, (model.forward(ids, mask) - before).abs().max().item<float>());
        int adapters = model.named_parameters().Count(p => p.name.EndsWith("lora_B.weight", StringComparison.Ordinal));
        Assert.Equal(3 * (family == TinyDecoders.Gpt2 ? 4 : 7), adapters);
        foreach (var (_, p) in model.named_parameters().Where(p => p.name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
        {
            p.fill_(0.05);
        }
        Assert.True((model.forward(ids, mask) - before).abs().max().item<float>() > 1e-4);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void SplitAtEveryCut_EqualsTheWholeModel(string family)
    {
        using var scope = NewDisposeScope();
        var model = Classifier(family);
        model.AddLora(new LoraOptions(2, 4, 0.0, DecoderTestModels.Info(family).Family.LoraTargetNames.ToHashSet()), CPU);
        foreach (var (_, p) in model.named_parameters().Where(p => p.name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
        {
            p.detach().normal_(0, 0.05);
        }
        model.eval();
        var (ids, mask) = Batch();
        using var _ = no_grad();
        var whole = model.forward(ids, mask);
        var cuts = DecoderTestModels.Info(family).Family.CutPoints(model.Backbone.Shape);
        Assert.Equal([1, 2], cuts);
        foreach (int cut in cuts)
        {
            // The hidden states travel as a copy, as they would over the wire.
            var sent = model.Bottom(ids, mask, cut).detach().clone();
            var split = model.Top(sent, mask, cut);
            Assert.Equal(0.0, (split - whole).abs().max().item<float>(), 6);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void RightPadding_DoesNotChangeAText_AndTheLastRealTokenIsPooled(string family)
    {
        using var scope = NewDisposeScope();
        var model = Classifier(family);
        var (ids, mask) = Batch();
        using var _ = no_grad();
        var batched = model.forward(ids, mask);
        var alone = model.forward(ids[1].narrow(0, 0, 7).unsqueeze(0), mask[1].narrow(0, 0, 7).unsqueeze(0));
        Assert.Equal(0.0, (batched[1] - alone[0]).abs().max().item<float>(), 5);
        // Changing a padded id changes nothing; changing the last real token changes the logits.
        var changedPad = ids.clone();
        changedPad[1, 9] = tensor(5L);
        Assert.Equal(0.0, (model.forward(changedPad, mask) - batched).abs().max().item<float>(), 6);
        var changedLast = ids.clone();
        changedLast[1, 6] = tensor(5L);
        Assert.True((model.forward(changedLast, mask)[1] - batched[1]).abs().max().item<float>() > 1e-5);
    }

    [Fact]
    public void LoraTargets_ArePeftModuleNames_AndParametersAreCheckpointKeys()
    {
        Assert.Equal(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], DecoderTestModels.Info(TinyDecoders.Llama).Family.LoraTargetNames);
        Assert.Equal(["c_attn", "c_proj", "c_fc"], DecoderTestModels.Info(TinyDecoders.Gpt2).Family.LoraTargetNames);
        using var model = Classifier(TinyDecoders.Qwen2);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("backbone.layers.0.self_attn.q_proj.bias", names);
        Assert.DoesNotContain("backbone.layers.0.self_attn.o_proj.bias", names);
        Assert.Contains("backbone.embed_tokens.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("lm_head", StringComparison.Ordinal)); // classification needs no vocabulary head
    }

    [Fact]
    public void FlopModel_CountsGroupedQueryAttention()
    {
        var shape = DecoderTestModels.Info(TinyDecoders.Qwen2).Shape; // hidden 32, 4 heads of 8, one kv head, ffn 48
        double expected = 2.0 * 32 * 32 + 2.0 * 32 * 8 + 3.0 * 32 * 48;
        Assert.Equal(expected, DecoderTestModels.Info(TinyDecoders.Qwen2).Family.BlockMacsPerToken(shape));
    }
}
