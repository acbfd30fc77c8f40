using FedLab.Engine.Runs;
using FedLab.Web.Specs;

namespace FedLab.Web.Tests.Specs;

/// <summary>The form of the new frameworks is generated from their option types, help text included.</summary>
public sealed class FrameworkOptionHelpTests
{
    [Fact]
    public void SplitForm_SaysThatLabelsGoUp()
    {
        var fields = OptionFields.For(FrameworkCatalog.Get(SplitFramework.Id));
        var cut = Assert.Single(fields, f => f.Path == "split.cutLayer");
        Assert.Contains("labels go up", cut.Help, StringComparison.Ordinal);
        Assert.Contains("privacy trade-off", cut.Help, StringComparison.Ordinal);
        Assert.Equal(["sequential", "splitfed"], Assert.Single(fields, f => f.Path == "split.variant").Choices);
    }

    [Fact]
    public void KdForm_ListsItsOptions_WithHelp()
    {
        var fields = OptionFields.For(FrameworkCatalog.Get(KdFramework.Id));
        Assert.Equal(["consensus", "server-distillation"], Assert.Single(fields, f => f.Path == "kd.variant").Choices);
        Assert.True(Assert.Single(fields, f => f.Path == "kd.topK").Optional);
        Assert.All(fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Help), f.Path));
    }
}
