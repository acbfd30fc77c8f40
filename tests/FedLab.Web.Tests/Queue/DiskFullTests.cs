using System.Data.Common;
using FedLab.Data;
using FedLab.Web.Queue;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Queue;

/// <summary>
/// Issue #10 item 5: when the data folder fills up mid-run, the run stops in a clear state (failed, with the reason)
/// that resume accepts once there is space again, and the queue lets go of it. The full disk is injected: every
/// database connection fails to open with SQLITE_FULL while <see cref="FullDisk.IsFull"/> is set.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task FullDataFolder_MidRun_EndsTheRunFailedWithTheReason_AndResumeIsAcceptedOnceThereIsSpace()
    {
        var disk = new FullDisk();
        await using var app = await TestApp.StartAsync(b => b.Services.ConfigureDbContext<FedLabDbContext>(o => o.AddInterceptors(disk)));
        var queue = app.Services.GetRequiredService<RunQueue>();
        var id = await app.Http.CreateRunAsync(TinySpecs.Json(rounds: 500, clients: 2, name: "disk-full"));

        // Round 1 is on disk; then the disk fills up.
        await Eventually.WaitAsync(() => Task.FromResult(queue.ProgressOf(id)?.CompletedRounds ?? -1), r => r >= 1, TimeSpan.FromMinutes(2), "round 1");
        disk.IsFull = true;
        // The run stops at the next round it cannot record, and the queue lets it go (no store read needed to see it).
        await Eventually.WaitAsync(() => Task.FromResult(queue.IsRunning(id)), running => !running, TimeSpan.FromMinutes(2), "the queue to release the run");

        // Still full: resume is refused with the reason, not "running in a live process".
        var refused = await app.Http.PostAsync($"api/runs/{id}/resume", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("free space in the data folder", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Space is back: the end status is stored without a restart, with the reason, and the rounds before it stay.
        disk.IsFull = false;
        var run = await app.Http.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(60));
        var error = run["summary"]!["error"]!.GetValue<string>();
        Assert.StartsWith("the data folder is full:", error);
        Assert.Contains("database or disk is full", error, StringComparison.Ordinal);
        Assert.True(run["rounds"]!.AsArray().Count >= 2, run.Describe()); // round 0 and at least round 1

        var resumed = await app.Http.PostAsync($"api/runs/{id}/resume", null);
        Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
        await Eventually.WaitAsync(() => Task.FromResult(queue.ProgressOf(id)?.CompletedRounds ?? -1), r => r >= 2, TimeSpan.FromMinutes(2), "the resumed run to record a round");
        (await app.Http.PostAsync($"api/runs/{id}/cancel", null)).EnsureSuccessStatusCode();
        await app.Http.WaitForStatusAsync(id, "cancelled", TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task FullDataFolder_MidRun_StopsALauncherRun_TheCliPath()
    {
        var disk = new FullDisk();
        await using var app = await TestApp.StartAsync(b => b.Services.ConfigureDbContext<FedLabDbContext>(o => o.AddInterceptors(disk)));
        var store = app.Services.GetRequiredService<RunStore>();
        var launcher = app.Services.GetRequiredService<RunLauncher>();
        var id = await store.CreateRunAsync(FedLab.Engine.Runs.RunSpecJson.Parse(TinySpecs.Json(rounds: 40, clients: 2, name: "disk-full cli")), null, CancellationToken.None);
        // The disk fills up once round 1 is on disk (the observer hears of a round after the recorder stored it).
        var observer = new Observer(e =>
        {
            if (e is FedLab.Engine.Runs.RoundFinished { Metrics.Round: 1 })
            {
                disk.IsFull = true;
            }
        });

        var recorded = await launcher.ExecuteAsync(id, app.Services.GetRequiredService<FedLab.Engine.Federation.EngineOptions>(), observer, CancellationToken.None);
        disk.IsFull = false;

        Assert.Equal(FedLab.Engine.Runs.RunStatus.Failed, recorded.Result.Status);
        Assert.StartsWith("the data folder is full:", recorded.Result.Error);
        Assert.Equal(3, recorded.Result.Rounds.Count); // rounds 0, 1 and the round 2 that could not be recorded, then it stopped
        Assert.True(recorded.FailedWrites > 0);
    }

    private sealed class Observer(Action<FedLab.Engine.Runs.RunEvent> onEvent) : FedLab.Engine.Runs.IRunEventSink
    {
        public void Publish(FedLab.Engine.Runs.RunEvent runEvent) => onEvent(runEvent);
    }

    /// <summary>Makes every database connection fail to open, as SQLite does when its file cannot grow.</summary>
    private sealed class FullDisk : DbConnectionInterceptor
    {
        public volatile bool IsFull;

        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            IsFull ? throw Full() : result;

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
            CancellationToken cancellationToken = default) =>
            IsFull ? throw Full() : ValueTask.FromResult(result);

        private static SqliteException Full() => new("SQLite Error 13: 'database or disk is full'.", 13);
    }
}
