using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Datasets;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Issue #10 item 5: a checkpoint that cannot be written ends the run failed with the reason, keeping the rounds before.</summary>
public sealed class CheckpointFailureTests
{
    [Fact]
    public void ACheckpointWriteFailure_EndsTheRunFailed_KeepingTheRoundsBefore()
    {
        using var folder = new TempFolder();
        // After round 0 is checkpointed, a folder takes the place of the checkpoint's temporary file: round 1's write fails.
        var sink = new RecordingSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: 0, CheckpointPath: { } path })
            {
                Directory.CreateDirectory(path + ".tmp");
            }
        });
        var result = new RunExecutor(TinySpecs.Engine).Execute(Guid.NewGuid(), TinySpecs.FedLlm(clients: 2, rounds: 3), sink, CancellationToken.None,
            new RunOptions { CheckpointDirectory = folder.Path });

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains(".tmp", result.Error, StringComparison.Ordinal);
        Assert.Equal([0], sink.Events.OfType<RoundFinished>().Select(r => r.Metrics.Round));
        Assert.Equal(result.Error, Assert.IsType<RunFailed>(sink.Events[^1]).Error);
    }

    [Theory]
    [InlineData(28, "No space left on device", true)]     // ENOSPC as .NET reports it on Linux
    [InlineData(112, "There is not enough space on the disk.", true)]
    [InlineData(13, "Permission denied", false)]
    public void AFullDisk_IsRecognised(int code, string message, bool full) =>
        Assert.Equal(full, RunExecutor.DiskFull(new IOException(message, code)));
}
