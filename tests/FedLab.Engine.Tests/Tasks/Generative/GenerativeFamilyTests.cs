using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

/// <summary>Every framework on a generative task on the Qwen2 (q/k/v biases, one key-value head, tied head) and Qwen3 (q/k norms) tiny decoders.</summary>
public sealed class GenerativeFamilyTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { TinyDecoders.Qwen2, FedLlmFramework.Id }, { TinyDecoders.Qwen2, KdFramework.Id }, { TinyDecoders.Qwen2, SplitFramework.Id },
        { TinyDecoders.Qwen3, FedLlmFramework.Id }, { TinyDecoders.Qwen3, KdFramework.Id }, { TinyDecoders.Qwen3, SplitFramework.Id },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AGenerativeRun_Completes_WithTheGenerativeMetrics_AndRealPayloads(string family, string framework)
    {
        var spec = framework switch
        {
            KdFramework.Id => GenerativeSpecs.Kd(family, clients: 2, rounds: 2),
            SplitFramework.Id => GenerativeSpecs.Split(family, clients: 2, rounds: 2),
            _ => GenerativeSpecs.FedLlm(family, clients: 2, rounds: 2),
        };
        var result = TinySpecs.Run(spec);

        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(3, result.Rounds.Count);
        Assert.All(result.Rounds, r =>
        {
            Assert.True(double.IsFinite(r.Global.Loss));
            Assert.Equal(Math.Exp(r.Global.Loss), r.Extra![EvaluationExtras.TestPerplexity], 9);
            Assert.Equal(r.Global.Accuracy, r.Extra[EvaluationExtras.TestExactMatch]);
        });
        Assert.All(result.Rounds.Skip(1), r => Assert.True(r.BytesUp > 0 && r.BytesDown > 0));
    }
}
