using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Federation;

/// <summary>
/// examples/realism-tiny.json (tiny model, dropout, a deadline, DP) runs to the end; every trained round carries ε and
/// the failed client rounds are there, dropped and late, with their reasons (what --out writes).
/// </summary>
public sealed class RealismExampleTests
{
    [Fact]
    public void RealismTiny_Runs_WithEpsilonEveryRound_AndMarksDroppedAndLateClients()
    {
        var spec = RunSpecJson.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "realism-tiny.json")));
        var result = TinySpecs.Run(spec);

        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(spec.Training.Rounds + 1, result.Rounds.Count);
        var epsilons = result.Rounds.Skip(1).Select(r => r.Extra![PrivacyLedger.Epsilon]).ToList();
        Assert.Equal(epsilons.Order(), epsilons);                    // ε only grows
        Assert.Equal(PrivacyLedger.EpsilonAfter(spec, spec.Training.Rounds), epsilons[^1], 9);
        var failed = result.FailedClientRounds!;
        Assert.Contains(failed, f => f.Kind == ClientFailureKinds.Dropped);
        Assert.Contains(failed, f => f.Kind == ClientFailureKinds.Late && f.Reason.Contains("deadline", StringComparison.Ordinal));
        Assert.All(result.ClientRounds, m => Assert.True(m.Extra!["clock.simulatedSeconds"] <= spec.Availability!.DeadlineSeconds));
        var json = System.Text.Json.JsonSerializer.Serialize(result, RunSpecJson.OutputOptions);
        Assert.Contains("\"failedClientRounds\"", json);
        Assert.Contains("\"privacy.epsilon\"", json);
    }
}
