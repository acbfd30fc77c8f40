using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

public sealed class ResumeTests
{
    [Theory]
    [InlineData(FedLlmFramework.Id, ServerOptimizerKind.Adam)]
    [InlineData(FedLlmFramework.Id, ServerOptimizerKind.None)]
    [InlineData(CentralizedFramework.Id, ServerOptimizerKind.None)]
    public void ResumedRun_EndsWithTheSameMetrics_AsAnUninterruptedRun(string framework, ServerOptimizerKind server)
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 4, seed: 21) with
        {
            Framework = framework,
            FedLlm = new FedLlmOptions { ServerOptimizer = server, ServerLearningRate = 0.05 },
        };
        var uninterrupted = TinySpecs.Run(spec);

        var dir = Path.Combine(Path.GetTempPath(), "fedlab-resume-" + Guid.NewGuid().ToString("N"));
        try
        {
            var runId = Guid.NewGuid();
            var (_, checkpoint, resumed, sink) = TinySpecs.CrashAndResume(runId, spec, dir);
            var executor = new RunExecutor(TinySpecs.Engine);
            Assert.Equal(3, Assert.IsType<RunStarted>(sink.Events[0]).FirstRound);
            Assert.Equal([3, 4], resumed.Rounds.Select(r => r.Round));
            Assert.Equal(uninterrupted.Rounds[^1].Global, resumed.Rounds[^1].Global);
            Assert.Equal(uninterrupted.Rounds[3].Global, resumed.Rounds[0].Global);

            // A checkpoint refuses to resume a different spec.
            Assert.Throws<InvalidDataException>(() => executor.Execute(runId, spec with { Seed = 22 }, new RecordingSink(), CancellationToken.None,
                new RunOptions { ResumeFrom = checkpoint }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
