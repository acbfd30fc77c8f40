using FedLab.Engine.Runs;
using FedLab.Engine.Studies;

namespace FedLab.Engine.Tests.Studies;

public sealed class StudyPlanTests
{
    private static string Study(string axes, string frameworks = "[\"fedllm\", \"split\"]", string seeds = "[1, 2]") => $$"""
        {
          "name": "plan",
          "base": {
            "model": "tiny4",
            "dataset": { "name": "spam", "maxTokens": 16, "trainLimit": 60, "testLimit": 20 },
            "partition": { "kind": "dirichlet", "clients": 2, "alpha": 1.0 },
            "framework": "fedllm",
            "training": { "rounds": 1, "localSteps": 1, "batchSize": 8 },
            "seed": 3
          },
          "frameworks": {{frameworks}},
          "axes": {{axes}},
          "seeds": {{seeds}},
          "targetAccuracy": 0.6
        }
        """;

    [Fact]
    public void AnAxisOnASplitOption_MultipliesOnlySplitRuns()
    {
        var spec = StudySpecJson.Parse(Study("""[{ "path": "partition.alpha", "values": [0.1, 1.0] }, { "path": "split.cutLayer", "values": [1, 3] }]"""));
        var cells = StudyPlan.Expand(spec);
        Assert.Equal(2 * 2 + 2 * 2 * 2, cells.Count);
        Assert.All(cells.Where(c => c.Framework == "fedllm"), c => Assert.Equal(["partition.alpha"], c.Setting.Select(s => s.Path)));
        Assert.Equal(2, cells.Where(c => c.Framework == "fedllm").Select(c => c.Configuration).Distinct().Count());
        Assert.Equal(4, cells.Where(c => c.Framework == "split").Select(c => c.Configuration).Distinct().Count());
        var split = cells.Single(c => c.Framework == "split" && c.Seed == 2 && c.SettingText == "alpha=0.1, cutLayer=3");
        Assert.Equal(3, split.Spec.Split.CutLayer);
        Assert.Equal(0.1, split.Spec.Partition.Alpha);
        Assert.Equal(2, split.Spec.Seed);
        Assert.Equal(cells.Count, cells.Select(c => c.Spec.Name).Distinct().Count());
    }

    [Fact]
    public void AnAxisValueInvalidForOneFramework_IsRefused_NamingTheAxisValue()
    {
        var spec = StudySpecJson.Parse(Study("""[{ "path": "split.cutLayer", "values": [1, 9] }]"""));
        var ex = Assert.Throws<RunSpecException>(() => StudyPlan.Expand(spec));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("axes[0].values[1]", error.Field);
        Assert.Contains("split.cutLayer=9", error.Message, StringComparison.Ordinal);
        Assert.Contains("Split-FedLLM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAxisRestrictedToFrameworks_AppliesOnlyToThem()
    {
        var spec = StudySpecJson.Parse(Study("""[{ "path": "training.learningRate", "values": [0.001, 0.01], "frameworks": ["split"] }]"""));
        var cells = StudyPlan.Expand(spec);
        Assert.Equal(2 + 4, cells.Count);
    }

    [Theory]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["fedllm"], "seeds": [1], "extra": 1 }""", "extra")]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["nope"], "seeds": [1] }""", "frameworks[0]")]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["fedllm"], "seeds": [1, 1] }""", "seeds[1]")]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["fedllm"], "seeds": [1], "axes": [{ "path": "seed", "values": [1] }] }""", "axes[0].path")]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["fedllm"], "seeds": [1], "axes": [{ "path": "partition.alpha", "values": [] }] }""", "axes[0].values")]
    [InlineData("""{ "name": "x", "base": {}, "frameworks": ["fedllm"], "seeds": [1], "targetAccuracy": "0.5" }""", "targetAccuracy")]
    [InlineData("""{ "name": "x", "name": "y", "base": {}, "frameworks": ["fedllm"], "seeds": [1] }""", "name")]
    public void BadStudies_AreRefusedAtTheField(string json, string field)
    {
        var ex = Assert.Throws<RunSpecException>(() => StudySpecJson.Parse(json));
        Assert.Contains(ex.Errors, e => e.Field == field);
    }

    [Fact]
    public void BaseErrors_NameTheBaseField()
    {
        var spec = StudySpecJson.Parse(Study("[]").Replace("\"rounds\": 1", "\"rounds\": 0", StringComparison.Ordinal));
        var ex = Assert.Throws<RunSpecException>(() => StudyPlan.Expand(spec));
        Assert.Contains(ex.Errors, e => e.Field == "base.training.rounds");
    }

    [Fact]
    public void Serialize_RoundTrips()
    {
        var spec = StudySpecJson.Parse(Study("""[{ "path": "split.cutLayer", "values": [1, 3] }]""", """["fedllm", { "framework": "kd", "label": "KD small", "kd": { "publicSize": 16 } }]"""));
        var again = StudySpecJson.Parse(StudySpecJson.Serialize(spec));
        Assert.Equal(StudySpecJson.Serialize(spec), StudySpecJson.Serialize(again));
        Assert.Equal("KD small", again.Frameworks[1].Label);
    }
}
