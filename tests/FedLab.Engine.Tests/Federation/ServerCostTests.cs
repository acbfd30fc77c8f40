using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Frameworks;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Federation;

/// <summary>Every federated round records the server's analytic FLOPs ("server.flops"), which the deployment what-if costs.</summary>
public sealed class ServerCostTests
{
    [Fact]
    public void FedAvg_CountsTwoFlopsPerValuePerClient_PlusTheCopy()
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 2);
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        long values = result.Info.TrainableParameters;
        foreach (var round in result.Rounds.Where(r => r.Round > 0))
        {
            int clients = result.ClientRounds.Count(c => c.Round == round.Round);
            Assert.Equal(2.0 * values * clients + values, round.Extra![ServerCost.Flops]);
        }
    }

    [Fact]
    public void SplitServer_RunsTheBlocksAboveTheCut_AndCostsMoreThanItsClients_WhenItHoldsMostBlocks()
    {
        var spec = ContractSpecs.Split(clients: 2, rounds: 1, seed: 5, new SplitOptions { CutLayer = 1, Variant = SplitVariant.SplitFed });
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var round = result.Rounds.Single(r => r.Round == 1);
        double server = round.Extra![ServerCost.Flops];
        double clients = result.ClientRounds.Where(c => c.Round == 1).Sum(c => c.Flops);
        // Cut after block 1 of 2: the server trains one block and the head for every batch, the clients one block without it.
        Assert.InRange(server, clients, 3 * clients);
    }

    [Fact]
    public void Kd_CountsTheLogitsSum()
    {
        var spec = ContractSpecs.Kd(clients: 2, rounds: 1, seed: 5, new KdOptions { PublicSize = 8, DistillationSteps = 1 });
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(2.0 * 8 * 2 * 2, result.Rounds.Single(r => r.Round == 1).Extra![ServerCost.Flops]); // rows x classes x clients x 2
    }
}
