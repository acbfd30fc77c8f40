using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class FrameworkOptionsValidationTests
{
    private static ILookup<string, string> Errors(RunSpec spec) =>
        new RunSpecValidator(() => false).Validate(spec).ToLookup(e => e.Field, e => e.Message);

    [Theory]
    [InlineData("tiny", 0, "must be between 1 and 1 (tiny has 2 layers), got 0")]
    [InlineData("tiny", 2, "must be between 1 and 1 (tiny has 2 layers), got 2")]
    [InlineData("minilm-l6", 6, "must be between 1 and 5 (minilm-l6 has 6 layers), got 6")]
    public void CutLayerOutOfRange_IsRejected(string model, int cut, string message)
    {
        var spec = ContractSpecs.Split(3, 1, 1, new SplitOptions { CutLayer = cut }) with { Model = model };
        Assert.Equal(message, Assert.Single(Errors(spec)["split.cutLayer"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void CutLayerInRange_IsAccepted(int cut)
    {
        var spec = ContractSpecs.Split(3, 1, 1, new SplitOptions { CutLayer = cut }) with { Model = "minilm-l6" };
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void KdOptions_AreCheckedAgainstTheBundledDataset_AllAtOnce()
    {
        var spec = ContractSpecs.Kd(3, 1, 1, new KdOptions
        {
            TopK = 3,
            PublicSize = 1000,
            Temperature = 0,
            DistillationSteps = -1,
            ClientModels = [new KdClientModel { Model = "minilm-l6", Layers = 7 }, new KdClientModel { Model = "gpt-17" }],
        });
        var errors = Errors(spec);
        Assert.Equal("must be between 1 and the number of classes (2 in spam), got 3", Assert.Single(errors["kd.topK"]));
        Assert.Equal("must be between 1 and the size of the public split (589 examples in spam), got 1000", Assert.Single(errors["kd.publicSize"]));
        Assert.Equal("must be between 0.05 and 100, got 0", Assert.Single(errors["kd.temperature"]));
        Assert.Single(errors["kd.distillationSteps"]);
        Assert.Equal("must be between 1 and 6 (minilm-l6 has 6 layers), got 7", Assert.Single(errors["kd.clientModels[0].layers"]));
        Assert.StartsWith("unknown model 'gpt-17'", Assert.Single(errors["kd.clientModels[1].model"]), StringComparison.Ordinal);
    }

    [Fact]
    public void KdOptions_WithinTheDataset_AreAccepted()
    {
        var spec = ContractSpecs.Kd(3, 1, 1, new KdOptions { TopK = 2, PublicSize = 589 }) with
        {
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = 24 },
        };
        Assert.Empty(Errors(spec));
        var fortunes = spec with { Dataset = new DatasetSpec { Name = "fortunes" }, Kd = new KdOptions { TopK = 10, PublicSize = 842 } };
        Assert.Empty(Errors(fortunes));
        Assert.Single(Errors(fortunes with { Kd = new KdOptions { TopK = 11 } })["kd.topK"]);
    }

    [Fact]
    public void OptionsOfAnotherFramework_AreNotChecked()
    {
        var spec = TinySpecs.FedLlm() with { Kd = new KdOptions { TopK = 99 }, Split = new SplitOptions { CutLayer = 99 } };
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void Json_ParsesTheNewFrameworks_AndNamesWrongFields()
    {
        var kd = RunSpecJson.ParseAndValidate(RunSpecJsonTests.Valid.Replace("\"framework\": \"fedllm\"",
            "\"framework\": \"kd\", \"kd\": { \"variant\": \"server-distillation\", \"publicSize\": 100, \"topK\": 1, \"logitPrecision\": \"fp16\", \"aggregation\": \"confidence\", \"clientModels\": [ { \"model\": \"tiny4\", \"layers\": 3 } ] }",
            StringComparison.Ordinal), new RunSpecValidator(() => false));
        Assert.Equal(KdFramework.Id, kd.Framework);
        Assert.Equal(KdVariant.ServerDistillation, kd.Kd.Variant);
        Assert.Equal(WirePrecision.Fp16, kd.Kd.LogitPrecision);
        Assert.Equal(3, kd.Kd.ClientModels[0].Layers);
        Assert.Contains("\"variant\": \"server-distillation\"", RunSpecJson.Serialize(kd), StringComparison.Ordinal);

        var split = RunSpecJson.ParseAndValidate(RunSpecJsonTests.Valid.Replace("\"framework\": \"fedllm\"",
            "\"framework\": \"split\", \"split\": { \"cutLayer\": 1, \"variant\": \"sequential\", \"activationPrecision\": \"fp16\" }",
            StringComparison.Ordinal), new RunSpecValidator(() => false));
        Assert.Equal(SplitVariant.Sequential, split.Split.Variant);

        var wrong = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(RunSpecJsonTests.Valid.Replace("\"framework\": \"fedllm\"",
            "\"framework\": \"split\", \"split\": { \"cut\": 1 }", StringComparison.Ordinal)));
        Assert.Equal("split.cut", Assert.Single(wrong.Errors).Field);
        var variant = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(RunSpecJsonTests.Valid.Replace("\"framework\": \"fedllm\"",
            "\"framework\": \"kd\", \"kd\": { \"variant\": \"fedmd\" }", StringComparison.Ordinal)));
        Assert.StartsWith("kd.variant", Assert.Single(variant.Errors).Field, StringComparison.Ordinal);
    }
}
