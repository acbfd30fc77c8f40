using FedLab.Tests.Shared;
using FedLab.Web.Tests.Infrastructure;
using FedLab.Web.Views;

namespace FedLab.Web.Tests.Views;

/// <summary>The Runs list's variant column comes from each framework's descriptor, a registered test framework's too.</summary>
public sealed class RunVariantsTests
{
    [Fact]
    public void FedLlm_NamesItsServerOptimizerAndFedProx()
    {
        var json = TinySpecs.Json().Replace("\"framework\": \"fedllm\",", "\"framework\": \"fedllm\", \"fedLlm\": { \"serverOptimizer\": \"adam\", \"proxMu\": 0.01 },", StringComparison.Ordinal);
        Assert.Equal("FedAdam + FedProx μ=0.01 · LoRA r=2", RunVariants.Describe(json));
    }

    [Fact]
    public void ARegisteredFramework_DescribesItself()
    {
        using var registration = MixingTestFramework.Register();
        var json = TinySpecs.Json(framework: MixingTestFramework.Id).TrimEnd().TrimEnd('}') + ", \"testMixing\": { \"mixing\": 0.5 } }";
        Assert.Equal("mixing 0.5 · LoRA r=2", RunVariants.Describe(json));
    }

    [Fact]
    public void NotJson_IsEmpty() => Assert.Equal("", RunVariants.Describe("{ not json"));
}
