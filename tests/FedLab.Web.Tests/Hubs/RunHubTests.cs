using System.Collections.Concurrent;
using System.Text.Json;
using FedLab.Tests.Shared;
using FedLab.Web.Hubs;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace FedLab.Web.Tests.Hubs;

/// <summary>The hub contract, from a real .NET HubConnection and from the official JavaScript client (Node).</summary>
[Trait(TestCategories.Key, TestCategories.Process)]
[Collection(SharedAppCollection.Name)]
public sealed class RunHubTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task DotNetClient_JoinRun_GetsSnapshotThenEveryRoundLive()
    {
        var app = fixture.App;
        var (blocker, id) = await QueueBehindBlockerAsync("hub-dotnet");
        var rounds = new ConcurrentDictionary<int, RoundMessage>();
        var clientRounds = new ConcurrentBag<ClientRoundMessage>();
        var statuses = new ConcurrentQueue<string>();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int live = 0;

        await using var connection = new HubConnectionBuilder().WithUrl(app.BaseUrl + RunHub.Path).Build();
        connection.On<RoundMessage>(HubMessageNames.RoundFinished, m =>
        {
            Interlocked.Increment(ref live);
            rounds[m.Round] = m;
        });
        connection.On<ClientRoundMessage>(HubMessageNames.ClientRoundFinished, clientRounds.Add);
        connection.On<RunStatusMessage>(HubMessageNames.RunStatusChanged, m =>
        {
            statuses.Enqueue(m.Status);
            if (m.Status is "finished" or "failed" or "cancelled")
            {
                finished.TrySetResult();
            }
        });
        await connection.StartAsync();
        var snapshot = await connection.InvokeAsync<RunSnapshotMessage>("JoinRun", id);
        Assert.Equal(id, snapshot.RunId);
        Assert.Equal(4, snapshot.TotalRounds);
        Assert.Empty(snapshot.Rounds); // still queued behind the blocker
        (await app.Http.PostAsync($"api/runs/{blocker}/cancel", null)).EnsureSuccessStatusCode();
        foreach (var r in snapshot.Rounds)
        {
            rounds.TryAdd(r.Round, r);
        }
        if (snapshot.Status != "finished")
        {
            await finished.Task.WaitAsync(TimeSpan.FromSeconds(120));
        }

        Assert.Equal(Enumerable.Range(0, 5), rounds.Keys.Order());
        Assert.Equal(5, live); // every round arrived live
        Assert.Contains("finished", statuses);
        var last = rounds[4];
        Assert.Equal(id, last.RunId);
        Assert.InRange(last.Accuracy, 0, 1);
        Assert.True(last.BytesUp > 0 && last.BytesUpByKind["parameters"] == last.BytesUp);
        Assert.True(last.ClientFlops > 0);
        Assert.All(clientRounds, c => Assert.Equal(id, c.RunId));

        // The stored rounds and the live messages agree.
        var stored = await app.Http.GetRunAsync(id);
        Assert.Equal(stored["rounds"]![4]!["accuracy"]!.GetValue<double>(), last.Accuracy);
    }

    [Fact]
    public async Task DotNetClient_JoinUnknownRun_GetsAClearError()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(fixture.App.BaseUrl + RunHub.Path).Build();
        await connection.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<RunSnapshotMessage>("JoinRun", Guid.NewGuid()));
        Assert.Contains("there is no run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JavaScriptClient_ReceivesRoundMetrics()
    {
        await NodeClient.EnsureInstalledAsync();
        var app = fixture.App;
        var (blocker, id) = await QueueBehindBlockerAsync("hub-js");

        var (exit, output, error) = await ProcessRunner.RunAsync("node", $"client.mjs {app.BaseUrl} {id}", RepoPaths.NodeClient, TimeSpan.FromSeconds(200),
            new Dictionary<string, string> { ["FEDLAB_CANCEL_AFTER_JOIN"] = blocker.ToString() });

        Assert.True(exit == 0, $"node client failed ({exit}): {output} {error}");
        using var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal("finished", seen.RootElement.GetProperty("status").GetString());
        Assert.Equal([0, 1, 2, 3, 4], seen.RootElement.GetProperty("rounds").EnumerateArray().Select(r => r.GetInt32()));
        Assert.Equal(5, seen.RootElement.GetProperty("live").GetInt32()); // every round arrived live
    }

    /// <summary>
    /// A long run first, then the run under test: the queue runs one at a time, so the run under test waits
    /// until the blocker is cancelled, which the client does once it has joined. Without this a tiny run can
    /// finish before a client (a Node process, say) has even connected.
    /// </summary>
    private async Task<(Guid Blocker, Guid Run)> QueueBehindBlockerAsync(string name)
    {
        var blocker = await fixture.App.Http.CreateRunAsync(TinySpecs.Json(rounds: 1000, name: name + " blocker"));
        var id = await fixture.App.Http.CreateRunAsync(TinySpecs.Json(rounds: 4, name: name));
        return (blocker, id);
    }
}
