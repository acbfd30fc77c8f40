using FedLab.Engine.Runs;
using FedLab.Web.Live;

namespace FedLab.Web.Tests.Live;

public sealed class RunBroadcasterTests
{
    private static RunEvent Status(Guid run, RunStatus status) => new RunStatusChanged(run, DateTimeOffset.UtcNow, status, null);

    [Fact]
    public void Publish_ReachesFollowersOfThatRun_AndAllRunSubscribers()
    {
        var broadcaster = new RunBroadcaster();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        using var followA = broadcaster.Subscribe(a);
        using var all = broadcaster.SubscribeAll();

        broadcaster.Publish(Status(a, RunStatus.Queued));
        broadcaster.Publish(Status(b, RunStatus.Queued));

        Assert.True(followA.Reader.TryRead(out var e) && e.RunId == a);
        Assert.False(followA.Reader.TryRead(out _));
        Assert.Equal(2, all.Reader.Count);
    }

    [Fact]
    public void Dispose_Unsubscribes()
    {
        var broadcaster = new RunBroadcaster();
        var run = Guid.NewGuid();
        var s = broadcaster.Subscribe(run);
        Assert.Equal(1, broadcaster.SubscriberCount);
        s.Dispose();
        Assert.Equal(0, broadcaster.SubscriberCount);
        broadcaster.Publish(Status(run, RunStatus.Running)); // nobody listening: nothing happens
    }

    [Fact]
    public void SlowSubscriber_DropsInsteadOfBlocking_AndSaysSo()
    {
        var broadcaster = new RunBroadcaster();
        var run = Guid.NewGuid();
        using var s = broadcaster.Subscribe(run);
        for (int i = 0; i < RunSubscription.Capacity + 10; i++)
        {
            broadcaster.Publish(Status(run, RunStatus.Running));
        }
        Assert.Equal(10, s.Dropped);
        Assert.Equal(RunSubscription.Capacity, s.Reader.Count);
    }

    [Fact]
    public async Task ReadBatches_DeliversAQuietEventAtOnce_AndBatchesABurst()
    {
        var broadcaster = new RunBroadcaster();
        var run = Guid.NewGuid();
        using var s = broadcaster.Subscribe(run);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var batches = s.ReadBatchesAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, cts.Token).GetAsyncEnumerator(cts.Token);

        broadcaster.Publish(Status(run, RunStatus.Running));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await batches.MoveNextAsync());
        Assert.Single(batches.Current);
        Assert.True(clock.ElapsedMilliseconds < 150, $"a first event waited {clock.ElapsedMilliseconds} ms");

        for (int i = 0; i < 5; i++)
        {
            broadcaster.Publish(Status(run, RunStatus.Running));
        }
        Assert.True(await batches.MoveNextAsync());
        Assert.Equal(5, batches.Current.Count);
    }
}
