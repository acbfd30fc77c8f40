using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Web.Specs;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Specs;

/// <summary>The New run form's partition preview is exactly what the engine deals out when the run starts.</summary>
public sealed class PartitionPreviewerTests
{
    private sealed class StartCapture : IRunEventSink
    {
        public RunStarted? Started { get; private set; }

        public void Publish(RunEvent runEvent) => Started ??= runEvent as RunStarted;
    }

    [Theory]
    [InlineData("dirichlet", 4, 0.3, 7, 150)]
    [InlineData("shards", 5, 0.5, 3, 200)]
    [InlineData("iid", 3, 0.5, 11, null)]
    public void Preview_EqualsTheRunsPartition(string kind, int clients, double alpha, int seed, int? trainLimit)
    {
        var spec = RunSpecJson.Parse(TinySpecs.Json(rounds: 1, clients: clients, seed: seed)) with { };
        spec = spec with
        {
            Dataset = spec.Dataset with { TrainLimit = trainLimit, TestLimit = 20 },
            Partition = spec.Partition with { Kind = Enum.Parse<PartitionMethod>(kind, ignoreCase: true), Alpha = alpha, ShardsPerClient = 2 },
        };
        var preview = new PartitionPreviewer().Preview(spec);
        Assert.Null(preview.Problem);

        using var cts = new CancellationTokenSource();
        var capture = new StartCapture();
        cts.Cancel(); // stop right after the start: only the partition is wanted
        new RunExecutor(new EngineOptions { Models = TestApp.Models }).Execute(Guid.NewGuid(), spec, capture, cts.Token);

        var reported = capture.Started!.Info.ClientLabelHistograms;
        Assert.Equal(reported.Count, preview.Histograms.Count);
        for (int c = 0; c < reported.Count; c++)
        {
            Assert.Equal(reported[c], preview.Histograms[c]);
        }
        Assert.Equal(capture.Started.Info.ClassNames, preview.ClassNames);
    }

    [Fact]
    public void TooManyClientsForTheData_IsAPlainProblem()
    {
        var spec = RunSpecJson.Parse(TinySpecs.Json(clients: 3));
        spec = spec with { Dataset = spec.Dataset with { TrainLimit = 5 }, Partition = spec.Partition with { Clients = 10 } };
        var preview = new PartitionPreviewer().Preview(spec);
        Assert.Contains("only 5 training examples", preview.Problem, StringComparison.Ordinal);
    }
}
