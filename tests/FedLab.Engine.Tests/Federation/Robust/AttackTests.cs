using System.Text;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using Xunit.Abstractions;

namespace FedLab.Engine.Tests.Federation.Robust;

/// <summary>
/// Under a 20% sign-flip attack (2 of 10 clients send global − 6·Δ), plain FedAvg loses what it learns while the
/// coordinate-wise median and Krum keep it: the tiny model on a small keyword task it learns in a few rounds.
/// </summary>
public sealed class AttackTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fedlab-attack-").FullName;

    private string Dataset()
    {
        var path = Path.Combine(_folder, "keywords.csv");
        string[] filler = ["the", "a", "movie", "book", "was", "is", "very", "really", "quite", "story", "plot", "and", "it", "show"];
        var random = new Random(3);
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 300; i++)
        {
            string Words() => string.Join(' ', Enumerable.Range(0, 6).Select(_ => filler[random.Next(filler.Length)]));
            sb.Append($"{Words()} great {Words()},pos\n{Words()} awful {Words()},neg\n");
        }
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private RunSpec Spec(AttackSpec? attack, RobustSpec? robust) => TinySpecs.FedLlm(clients: 10, rounds: 5, seed: 11) with
    {
        Dataset = new DatasetSpec { Name = Dataset(), MaxTokens = 24, TrainLimit = 400, TestLimit = 100 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = 10 },
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 4, Alpha = 8, Targets = ["query", "value", "ffn"] } },
        Training = new TrainingSpec { Rounds = 5, LocalSteps = 4, BatchSize = 10, LearningRate = 0.02, EvalBatchSize = 50 },
        Attack = attack,
        Robust = robust,
    };

    [Fact]
    public void MedianAndKrum_KeepAccuracy_WherePlainFedAvgLosesIt()
    {
        var signFlip = new AttackSpec { Fraction = 0.2, Kind = AttackKind.SignFlip, Scale = 6 };
        double Final(AttackSpec? attack, RobustSpec? robust)
        {
            var result = TinySpecs.Run(Spec(attack, robust));
            Assert.True(result.Status == RunStatus.Finished, result.Error);
            return result.Rounds[^1].Global.Accuracy;
        }
        double clean = Final(null, null);
        double attacked = Final(signFlip, null);
        double median = Final(signFlip, new RobustSpec { Rule = RobustRule.Median });
        double krum = Final(signFlip, new RobustSpec { Rule = RobustRule.Krum, Byzantine = 2 });

        output.WriteLine($"final accuracy: clean FedAvg {clean:F3}, attacked FedAvg {attacked:F3}, attacked median {median:F3}, attacked Krum {krum:F3}");
        Assert.True(clean >= 0.8, $"the clean run must learn the task first: {clean}");
        Assert.True(attacked <= clean - 0.2, $"FedAvg under attack {attacked} vs clean {clean}");
        Assert.True(median >= clean - 0.1, $"median under attack {median} vs clean {clean}");
        Assert.True(krum >= clean - 0.1, $"Krum under attack {krum} vs clean {clean}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
