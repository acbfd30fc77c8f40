using FedLab.Engine.Runs;
using FedLab.Web.Cli;

namespace FedLab.Web.Tests.Cli;

public sealed class CompareFileTests
{
    private const string Valid = """
        {
          "name": "c",
          "base": {
            "model": "tiny",
            "dataset": { "name": "spam", "maxTokens": 32 },
            "partition": { "kind": "iid", "clients": 3 },
            "framework": "fedllm",
            "training": { "rounds": 2, "localSteps": 3, "learningRate": 0.003 },
            "seed": 1
          },
          "runs": [
            { "label": "fed", "framework": "fedllm" },
            { "label": "full", "framework": "fedllm", "fineTune": { "mode": "full" }, "training": { "learningRate": 0.0001 } },
            { "label": "kd", "framework": "kd", "kd": { "publicSize": 50, "topK": 1 } },
            { "label": "split", "framework": "split", "split": { "cutLayer": 1 } }
          ]
        }
        """;

    private static (string Name, IReadOnlyList<CompareRun> Runs) Parse(string json) => CompareFile.Parse(json, new RunSpecValidator(() => false));

    private static SpecError Single(string json) => Assert.Single(Assert.Throws<RunSpecException>(() => Parse(json)).Errors);

    [Fact]
    public void Runs_InheritTheBase_AndChangeOnlyWhatTheySet()
    {
        var (name, runs) = Parse(Valid);
        Assert.Equal("c", name);
        Assert.Equal(["fed", "full", "kd", "split"], runs.Select(r => r.Label));
        Assert.Equal([FedLlmFramework.Id, FedLlmFramework.Id, KdFramework.Id, SplitFramework.Id], runs.Select(r => r.Spec.Framework));
        Assert.All(runs, r =>
        {
            Assert.Equal("tiny", r.Spec.Model);
            Assert.Equal(3, r.Spec.Partition.Clients);
            Assert.Equal(3, r.Spec.Training.LocalSteps);
            Assert.Equal(1, r.Spec.Seed);
        });
        Assert.Equal(0.003, runs[0].Spec.Training.LearningRate);
        Assert.Equal(0.0001, runs[1].Spec.Training.LearningRate);
        Assert.Equal(FineTuneKind.Full, runs[1].Spec.FineTune.Mode);
        Assert.Equal(1, runs[2].Spec.Kd.TopK);
        Assert.Equal("c: kd", runs[2].Spec.Name);
    }

    [Theory]
    [InlineData("\"framework\": \"kd\", \"kd\"", "\"framework\": \"kd\", \"model\": \"minilm-l6\", \"kd\"", "runs[2].model")]
    [InlineData("\"training\": { \"learningRate\": 0.0001 }", "\"training\": { \"localSteps\": 9 }", "runs[1].training.localSteps")]
    [InlineData("\"topK\": 1", "\"topK\": 3", "runs[2].kd.topK")]
    [InlineData("\"cutLayer\": 1", "\"cutLayer\": 2", "runs[3].split.cutLayer")]
    [InlineData("\"learningRate\": 0.0001", "\"learningRate\": \"0.0001\"", "runs[1].training.learningRate")]
    [InlineData("\"publicSize\": 50", "\"publicSize\": 50, \"publik\": 1", "runs[2].kd.publik")]
    [InlineData("{ \"label\": \"split\", \"framework\": \"split\",", "{ \"label\": \"split\", \"framework\": \"split\", \"framework\": \"kd\",", "runs[3].framework")]
    [InlineData("\"label\": \"split\"", "\"label\": \"kd\"", "runs[3].label")]
    [InlineData("\"rounds\": 2", "\"rounds\": 0", "base.training.rounds")]
    [InlineData("\"name\": \"c\",", "\"name\": \"c\", \"colour\": 1,", "colour")]
    [InlineData("{ \"label\": \"fed\", \"framework\": \"fedllm\" },", "{ \"label\": \"fed\" },", "runs[0].framework")]
    public void Mistakes_AreRejected_NamingTheField(string from, string to, string field)
    {
        var json = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Valid, json);
        Assert.Equal(field, Single(json).Field);
    }

    [Fact]
    public void ARunMayCompareTheSpeedLevers()
    {
        var json = Valid.Replace("{ \"label\": \"fed\", \"framework\": \"fedllm\" },",
            "{ \"label\": \"fed\", \"framework\": \"fedllm\" }, { \"label\": \"batched\", \"framework\": \"fedllm\", \"clientBatching\": { \"enabled\": true, \"maxClientsPerGroup\": 2 }, \"evaluation\": { \"everyRounds\": 2 } },", StringComparison.Ordinal);
        var batched = Parse(json).Runs.Single(r => r.Label == "batched").Spec;
        Assert.Equal(2, batched.ClientBatching!.MaxClientsPerGroup);
        Assert.Equal(2, batched.Evaluation!.EveryRounds);
        Assert.Null(Parse(json).Runs.Single(r => r.Label == "fed").Spec.ClientBatching);
        var error = Single(json.Replace("\"maxClientsPerGroup\": 2", "\"maxClientsPerGroup\": 0", StringComparison.Ordinal));
        Assert.Equal("runs[1].clientBatching.maxClientsPerGroup", error.Field);
    }

    [Fact]
    public void ARunMayNotChangeWhatKeepsTheRunsComparable()
    {
        var error = Single(Valid.Replace("\"label\": \"fed\", \"framework\": \"fedllm\"", "\"label\": \"fed\", \"framework\": \"fedllm\", \"seed\": 2", StringComparison.Ordinal));
        Assert.Equal("runs[0].seed", error.Field);
        Assert.Contains("come from base", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce()
    {
        var json = Valid.Replace("\"topK\": 1", "\"topK\": 9", StringComparison.Ordinal).Replace("\"cutLayer\": 1", "\"cutLayer\": 5", StringComparison.Ordinal);
        var errors = Assert.Throws<RunSpecException>(() => Parse(json)).Errors;
        Assert.Equal(["runs[2].kd.topK", "runs[3].split.cutLayer"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{ \"base\": 1, \"runs\": [] }")]
    [InlineData("{ not json")]
    public void NotAComparison_IsRejected(string json)
    {
        Assert.NotEmpty(Assert.Throws<RunSpecException>(() => Parse(json)).Errors);
    }

    [Theory]
    [InlineData("compare-spam.json")]
    [InlineData("compare-tiny.json")]
    public void TheExamples_AreValid(string file)
    {
        var (_, runs) = Parse(File.ReadAllText(Path.Combine(RepoRoot(), "examples", file)));
        Assert.Contains(runs, r => r.Spec.Framework == FedLlmFramework.Id);
        Assert.Contains(runs, r => r.Spec.Framework == KdFramework.Id);
        Assert.Contains(runs, r => r.Spec.Framework == SplitFramework.Id);
    }

    /// <summary>Every comparison in examples/ (a file with a base and runs) parses and validates as shipped.</summary>
    [Fact]
    public void EveryCompareExample_IsValid()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "examples"), "*.json")
            .Where(f => File.ReadAllText(f).Contains("\"runs\": [", StringComparison.Ordinal)).ToList();
        Assert.True(files.Count >= 5, $"found {files.Count} comparisons");
        foreach (var file in files)
        {
            try
            {
                Assert.NotEmpty(Parse(File.ReadAllText(file)).Runs);
            }
            catch (RunSpecException ex) when (!ex.Errors.All(e => e.Field.EndsWith(".precision", StringComparison.Ordinal) && !FedLab.Engine.Performance.CpuFeatures.SupportsBf16))
            {
                // (A bf16 run is refused at its precision on a CPU without bf16: right there, so not a failure of the example.)
                Assert.Fail($"{Path.GetFileName(file)}: {string.Join("; ", ex.Errors.Select(e => $"{e.Field}: {e.Message}"))}");
            }
            catch (RunSpecException)
            {
            }
        }
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("FedLab.sln not found above " + AppContext.BaseDirectory);
    }
}
