using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

public sealed class RunSpecJsonTests
{
    internal const string Valid = """
        {
          "name": "t",
          "model": "tiny",
          "dataset": { "name": "spam", "maxTokens": 32 },
          "partition": { "kind": "dirichlet", "clients": 4, "alpha": 0.5 },
          "framework": "fedllm",
          "training": { "rounds": 2, "localSteps": 3 },
          "seed": 1
        }
        """;

    [Fact]
    public void ValidSpec_ParsesAndRoundTrips()
    {
        var spec = RunSpecJson.ParseAndValidate(Valid, new RunSpecValidator(() => false));
        Assert.Equal(PartitionMethod.Dirichlet, spec.Partition.Kind);
        Assert.Equal(FedLlmFramework.Id, spec.Framework);
        var again = RunSpecJson.Parse(RunSpecJson.Serialize(spec));
        Assert.Equal(RunSpecJson.Serialize(spec), RunSpecJson.Serialize(again));
        Assert.Contains("\"framework\": \"fedllm\"", RunSpecJson.Serialize(spec), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"clients\": 4", "\"clients\": \"4\"", "partition.clients")]
    [InlineData("\"seed\": 1", "\"seed\": 1, \"seed\": 2", "seed")]
    [InlineData("\"seed\": 1", "\"seed\": 1, \"colour\": \"red\"", "colour")]
    [InlineData("\"rounds\": 2,", "", "training.rounds")]
    [InlineData("\"training\": { \"rounds\": 2, \"localSteps\": 3 },", "", "training")]
    [InlineData("\"model\": \"tiny\"", "\"model\": null", "model")]
    [InlineData("\"framework\": \"fedllm\"", "\"framework\": 0", "framework")]
    [InlineData("\"framework\": \"fedllm\"", "\"framework\": \"gossip\"", "framework")]
    public void MalformedJson_IsRejected_NamingTheField(string from, string to, string field)
    {
        var json = Valid.Replace(from, to, StringComparison.Ordinal);
        // A framework name is checked against the registry by the validator, everything else by the parser.
        var ex = Assert.Throws<RunSpecException>(() => RunSpecJson.ParseAndValidate(json));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith(field, error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredField_SaysWhichOne()
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(Valid.Replace("\"rounds\": 2,", "", StringComparison.Ordinal)));
        Assert.Equal(new SpecError("training.rounds", "is required"), ex.Errors[0]);
    }

    [Fact]
    public void Validation_ReportsEveryProblemAtOnce_InPlainWords()
    {
        var spec = RunSpecJson.Parse(Valid) with
        {
            Model = "gpt-17",
            Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = 0, Alpha = -1 },
            Training = new TrainingSpec { Rounds = 0, LocalSteps = 2, LocalEpochs = 1, BatchSize = 0, LearningRate = 5 },
            Dataset = new DatasetSpec { Name = "imaginary", MaxTokens = 2 },
        };
        var errors = new RunSpecValidator(() => false).Validate(spec);
        var byField = errors.ToLookup(e => e.Field);
        Assert.Contains("must be between 1 and 1000, got 0", byField["partition.clients"].Single().Message, StringComparison.Ordinal);
        Assert.Contains("unknown model 'gpt-17'", byField["model"].Single().Message, StringComparison.Ordinal);
        Assert.Contains("unknown dataset 'imaginary'", byField["dataset.name"].Single().Message, StringComparison.Ordinal);
        Assert.Single(byField["partition.alpha"]);
        Assert.Single(byField["training.rounds"]);
        Assert.Single(byField["training.localSteps"]);
        Assert.Single(byField["training.batchSize"]);
        Assert.Single(byField["training.learningRate"]);
        Assert.Single(byField["dataset.maxTokens"]);
    }

    [Fact]
    public void CudaRequestedWithoutCuda_IsRejected()
    {
        var spec = RunSpecJson.Parse(Valid) with { Device = "cuda" };
        Assert.Contains(new RunSpecValidator(() => false).Validate(spec), e => e.Field == "device");
        Assert.DoesNotContain(new RunSpecValidator(() => true).Validate(spec), e => e.Field == "device");
    }

    [Fact]
    public void ExampleSpecs_AreValid()
    {
        var folder = Path.Combine(RepoPaths.Root, "examples");
        // compare-*.json hold a base spec and its runs (FedLab.Web's CompareFile, tested there); study-*.json are studies (Studies tests).
        var files = Directory.GetFiles(folder, "*.json").Where(f => !Path.GetFileName(f).StartsWith("compare-", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("study-", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            // A bf16 example is refused, at "precision", on a CPU without bf16 (FedLab.Engine.Performance.CpuFeatures): right there.
            var errors = new RunSpecValidator(() => false).Validate(RunSpecJson.Parse(File.ReadAllText(file)))
                .Where(e => e.Field != "precision" || FedLab.Engine.Performance.CpuFeatures.SupportsBf16).ToList();
            Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", errors)}");
        }
    }
}
