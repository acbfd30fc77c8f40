using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Performance;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>Issue 16: the precision setting (bf16 frozen base, float32 trainable state).</summary>
public sealed class PrecisionTests
{
    [Fact]
    public void Bf16_StoresTheFrozenBaseInBf16_AndKeepsTrainableStateFloat32()
    {
        if (!CpuFeatures.SupportsBf16)
        {
            return; // bf16 is refused on such a CPU (tested below); this machine (Zen 4) reports it
        }
        using var env = RunEnvironment.Create(TinySpecs.FedLlm() with { Precision = PrecisionKind.Bf16 }, TinySpecs.Engine);
        var linears = env.Model.modules().OfType<AdaptableLinear>().ToList();
        Assert.NotEmpty(linears);
        Assert.All(linears, l => Assert.Equal(ScalarType.BFloat16, l.Weight.dtype));
        Assert.All(env.Trainable, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        Assert.Contains(env.Trainable, p => p.Name.Contains(".lora_A.", StringComparison.Ordinal));
    }

    [Fact]
    public void Bf16_AppliesToAGenerativeDecoderToo()
    {
        if (!CpuFeatures.SupportsBf16)
        {
            return; // bf16 is refused on such a CPU (tested below); this machine (Zen 4) reports it
        }
        var spec = Tasks.Generative.GenerativeSpecs.FedLlm(FedLab.Tests.Shared.TinyDecoders.Llama, clients: 2, rounds: 1) with { Precision = PrecisionKind.Bf16 };
        using (var env = RunEnvironment.Create(spec, TinySpecs.Engine))
        {
            var linears = env.Model.modules().OfType<AdaptableLinear>().ToList();
            Assert.NotEmpty(linears);
            Assert.All(linears, l => Assert.Equal(ScalarType.BFloat16, l.Weight.dtype));
            Assert.All(env.Trainable, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        }
        var bf16 = TinySpecs.Run(spec);
        Assert.True(bf16.Status == RunStatus.Finished, bf16.Error);
        var fp32 = TinySpecs.Run(spec with { Precision = PrecisionKind.Fp32 });
        Assert.NotEqual(fp32.ClientRounds.Select(c => c.TrainLoss), bf16.ClientRounds.Select(c => c.TrainLoss));
    }

    [Fact]
    public void Bf16FullFineTuning_KeepsWeightsFloat32_AndCastsPerForward()
    {
        if (!CpuFeatures.SupportsBf16)
        {
            return; // bf16 is refused on such a CPU (tested below); this machine (Zen 4) reports it
        }
        using var env = RunEnvironment.Create(TinySpecs.FedLlm(mode: FineTuneKind.Full) with { Precision = PrecisionKind.Bf16 }, TinySpecs.Engine);
        Assert.All(env.Model.modules().OfType<AdaptableLinear>(), l => Assert.Equal((ScalarType.Float32, ScalarType.BFloat16), (l.Weight.dtype, l.ComputeType!.Value)));
    }

    [Fact]
    public void Bf16Runs_AreDeterministicBySeed_AndDifferFromFp32()
    {
        if (!CpuFeatures.SupportsBf16)
        {
            return; // bf16 is refused on such a CPU (tested below); this machine (Zen 4) reports it
        }
        var spec = TinySpecs.FedLlm(rounds: 2) with { Precision = PrecisionKind.Bf16 };
        var first = TinySpecs.Run(spec);
        var second = TinySpecs.Run(spec);
        Assert.True(first.Status == RunStatus.Finished, first.Error);
        Assert.Equal(first.Rounds.Select(r => r.Global), second.Rounds.Select(r => r.Global));
        Assert.Equal(first.ClientRounds.Select(c => c.TrainLoss), second.ClientRounds.Select(c => c.TrainLoss));
        var fp32 = TinySpecs.Run(spec with { Precision = PrecisionKind.Fp32 });
        Assert.NotEqual(fp32.ClientRounds.Select(c => c.TrainLoss), first.ClientRounds.Select(c => c.TrainLoss));
        // The payload is the float32 trainable state in both: the same bytes.
        Assert.Equal(fp32.ClientRounds.Select(c => c.BytesUp), first.ClientRounds.Select(c => c.BytesUp));
    }

    [Fact]
    public void Fp16OnTheCpu_IsRefusedAtPrecision()
    {
        var errors = new RunSpecValidator(() => false).Validate(TinySpecs.FedLlm() with { Precision = PrecisionKind.Fp16 });
        var error = Assert.Single(errors);
        Assert.Equal("precision", error.Field);
        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bf16OnACpuWithoutBf16_IsRefusedAtPrecision_AndAllowedOnCuda()
    {
        var spec = TinySpecs.FedLlm() with { Precision = PrecisionKind.Bf16 };
        var error = Assert.Single(PerformanceRules.Validate(spec, () => false, cpuBf16: () => false));
        Assert.Equal("precision", error.Field);
        Assert.Contains("avx512_bf16", error.Message, StringComparison.Ordinal);
        Assert.Empty(PerformanceRules.Validate(spec, () => false, cpuBf16: () => true));
        Assert.Empty(PerformanceRules.Validate(spec with { Device = "cuda" }, () => true, cpuBf16: () => false));
        Assert.Empty(PerformanceRules.Validate(spec with { Precision = PrecisionKind.Fp16, Device = "auto" }, () => true, cpuBf16: () => false));
    }

    [Theory]
    [InlineData("flags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni\n", true)]
    [InlineData("flags\t\t: fpu amx_bf16 amx_tile\n", true)]
    [InlineData("flags\t\t: fpu sse avx2 avx512f\nbugs : avx512_bf16\n", false)]
    [InlineData("", false)]
    public void CpuFlags_AreReadFromTheFlagsLine(string cpuInfo, bool expected) => Assert.Equal(expected, CpuFeatures.SupportsBf16In(cpuInfo));

    [Fact]
    public void PrecisionParsesFromJson_AndAnUnknownValueIsRefused()
    {
        var json = """{"name":"p","model":"tiny","dataset":{"name":"spam"},"partition":{"kind":"iid","clients":2},"framework":"fedllm","training":{"rounds":1,"localSteps":1},"seed":1,"precision":"bf16"}""";
        Assert.Equal(PrecisionKind.Bf16, RunSpecJson.Parse(json).Precision);
        var ex = Assert.ThrowsAny<Exception>(() => RunSpecJson.Parse(json.Replace("\"bf16\"", "\"int8\"", StringComparison.Ordinal)));
        Assert.Contains("precision", ex.Message, StringComparison.Ordinal);
    }
}
