using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Federation;

/// <summary>
/// What the realistic-client wrappers carry across rounds is in the checkpoint: a resumed run with adaptive clipping, or
/// with stale updates held for a later round, ends with the same metrics as an uninterrupted one.
/// </summary>
public sealed class RealismResumeTests
{
    /// <summary>An uninterrupted run, and the same run crashed after round 2 and resumed; with round 2's checkpoint as it was.</summary>
    private static (RunResult Uninterrupted, RunResult Resumed, SafeTensorsFile Checkpoint) CrashAndResume(RunSpec spec, string dir)
    {
        var uninterrupted = TinySpecs.Run(spec);
        Assert.True(uninterrupted.Status == RunStatus.Finished, uninterrupted.Error);
        var runId = Guid.NewGuid();
        using var cts = new CancellationTokenSource();
        var executor = new RunExecutor(TinySpecs.Engine);
        string copy = Path.Combine(dir, "round2.safetensors");
        string? checkpoint = null;
        var first = executor.Execute(runId, spec, new RecordingSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: 2 } r)
            {
                checkpoint = r.CheckpointPath!;
                File.Copy(checkpoint, copy); // the resumed run overwrites the run's checkpoint with later rounds
                cts.Cancel();
            }
        }), cts.Token, new RunOptions { CheckpointDirectory = dir });
        Assert.Equal(RunStatus.Cancelled, first.Status);
        var resumed = executor.Execute(runId, spec, new RecordingSink(), CancellationToken.None, new RunOptions { CheckpointDirectory = dir, ResumeFrom = checkpoint });
        Assert.True(resumed.Status == RunStatus.Finished, resumed.Error);
        Assert.Equal([3, 4], resumed.Rounds.Select(r => r.Round));
        return (uninterrupted, resumed, SafeTensors.Deserialize(File.ReadAllBytes(copy)));
    }

    private static void AssertSameRounds(RunResult uninterrupted, RunResult resumed, params string[] extras)
    {
        foreach (var round in resumed.Rounds)
        {
            var expected = uninterrupted.Rounds.Single(r => r.Round == round.Round);
            Assert.Equal(expected.Global, round.Global);
            foreach (var name in extras)
            {
                Assert.Equal(expected.Extra![name], round.Extra![name]);
            }
        }
    }

    [Fact]
    public void AdaptiveClipping_ResumesWithTheClipNormItHadReached()
    {
        var spec = TinySpecs.FedLlm(clients: 4, rounds: 4, seed: 21) with
        {
            Privacy = new PrivacySpec { NoiseMultiplier = 0.3, ClipNorm = 5, AdaptiveClipping = true, TargetQuantile = 0.5, ClipLearningRate = 0.8 },
        };
        var dir = Path.Combine(Path.GetTempPath(), "fedlab-resume-dp-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (uninterrupted, resumed, checkpoint) = CrashAndResume(spec, dir);
            using (checkpoint)
            {
                // The norm after round 2 has moved away from the initial 5 (else this test could not tell a restart from a resume).
                double saved = checkpoint["realism.dp.0.clipNorm"].item<double>();
                Assert.NotEqual(5, saved, 6);
                Assert.Equal(saved, resumed.Rounds[0].Extra![PrivacyLedger.ClipNorm], 12); // round 3 clips with it
            }
            AssertSameRounds(uninterrupted, resumed, PrivacyLedger.ClipNorm, PrivacyLedger.Epsilon, PrivacyLedger.Unclipped);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StaleUpdates_HeldAtTheCrash_AreAddedAfterTheResume()
    {
        // Slow, spread devices and a deadline that about half the clients miss; their updates arrive a round or more later.
        var devices = new DeviceSpec { MedianGflops = 0.5, GflopsSpread = 1.0, MedianUpMbps = 1, MedianDownMbps = 5, BandwidthSpread = 1.0, LatencyMs = 20 };
        var untimed = TinySpecs.FedLlm(clients: 6, rounds: 4, seed: 5) with { Availability = new AvailabilitySpec { Devices = devices } };
        var profiles = DeviceProfile.Draw(devices, 6, untimed.Seed);
        var times = TinySpecs.Run(untimed).ClientRounds.Select(m => TimeModel.Seconds(m.Flops, m.BytesDown, m.BytesUp, 2, profiles[m.ClientId])).Order().ToList();
        var spec = untimed with
        {
            Availability = untimed.Availability! with { DeadlineSeconds = times[times.Count / 3], Late = LateUpdates.Stale, StalenessExponent = 1 }, // about 2/3 late
        };
        var dir = Path.Combine(Path.GetTempPath(), "fedlab-resume-stale-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (uninterrupted, resumed, checkpoint) = CrashAndResume(spec, dir);
            using (checkpoint)
            {
                Assert.Contains(checkpoint.Tensors, t => t.Key == "realism.stale.0.held.0.meta"); // something was held across the crash
            }
            Assert.Contains(resumed.Rounds, r => r.Extra![StaleUpdateAggregator.StaleCount] > 0);
            AssertSameRounds(uninterrupted, resumed, StaleUpdateAggregator.StaleCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
