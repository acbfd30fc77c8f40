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

    private static PartitionPreviewer Previewer(string? dataDirectory = null) =>
        new(new FedLab.Web.Api.RunSpecChecker(Microsoft.Extensions.Options.Options.Create(new FedLabSettings { DataDirectory = dataDirectory ?? Path.GetTempPath() })));

    /// <summary>
    /// Issue #10, item 8: a path the spec checker refuses (e.g. a cloned CLI run's /some/secret.csv) is never
    /// read by the preview, and its header never shown; the message is the checker's.
    /// </summary>
    [Fact]
    public void Preview_OfAPathTheCheckerRefuses_DoesNotReadIt()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-preview-").FullName;
        try
        {
            var secret = Path.Combine(folder, "secret.csv");
            File.WriteAllText(secret, "name,password,label\nalice,hunter2,a\nbob,letmein,b\n");
            var spec = RunSpecJson.Parse(TinySpecs.Json(dataset: secret));
            var preview = Previewer(Path.Combine(folder, "data")).Preview(spec);
            Assert.NotNull(preview.Problem);
            Assert.Contains("not a dataset this dashboard holds", preview.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain("password", preview.Problem, StringComparison.Ordinal);
            Assert.Empty(preview.Histograms);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
        var preview = Previewer().Preview(spec);
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
        spec = spec with { Dataset = spec.Dataset with { TrainLimit = 5, ValidationFraction = 0 }, Partition = spec.Partition with { Clients = 10 } };
        var preview = Previewer().Preview(spec);
        Assert.Contains("only 5 training examples", preview.Problem, StringComparison.Ordinal);
    }
}
