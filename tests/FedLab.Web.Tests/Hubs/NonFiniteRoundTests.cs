using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Diagnostics;
using FedLab.Web.Hubs;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Hubs;

/// <summary>
/// Issue #10 item 4: a round whose loss is NaN (a diverged run) reaches hub subscribers as "NaN" and neither the
/// live message nor a later JoinRun snapshot closes the connection.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class NonFiniteRoundTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task Subscriber_StaysConnected_ThroughANaNRound_AndJoinRunStillWorks()
    {
        var app = fixture.App;
        var store = app.Services.GetRequiredService<RunStore>();
        var spec = SyntheticRun.Spec(rounds: 4, clients: 2, name: "hub-nan");
        var id = await store.CreateRunAsync(spec, null, CancellationToken.None);
        // Rounds 0 and 1 as the engine reports them, with round 1's evaluation loss NaN, through the real recorder.
        var events = SyntheticRun.Events(id, spec, stopAfter: 2).ToList();
        RunEvent WithNaN(RunEvent e) => e is RoundFinished { Metrics.Round: 1 } r
            ? r with { Metrics = r.Metrics with { Global = r.Metrics.Global with { Loss = double.NaN }, TrainLoss = double.PositiveInfinity } }
            : e;
        var recorder = app.Services.GetRequiredService<RunRecorderFactory>().Create(id);
        var forwarder = app.Services.GetRequiredService<HubForwarder>();
        int roundOne = events.FindIndex(e => e is RoundFinished { Metrics.Round: 1 });
        foreach (var e in events.Take(roundOne + 1).Select(WithNaN))
        {
            recorder.Publish(e);
        }
        Assert.Equal(0, recorder.FailedWrites);

        var rounds = new ConcurrentDictionary<int, RoundMessage>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(app.BaseUrl + RunHub.Path)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();
        connection.On<RoundMessage>(HubMessageNames.RoundFinished, m => rounds[m.Round] = m);
        await connection.StartAsync();

        // The snapshot holds the stored NaN round (SQLite keeps NaN as NULL; it reads back as NaN).
        var snapshot = await connection.InvokeAsync<RunSnapshotMessage>("JoinRun", id);
        Assert.Equal([0, 1], snapshot.Rounds.Select(r => r.Round));
        Assert.True(double.IsNaN(snapshot.Rounds[1].Loss));

        // Live: the NaN round itself, then the next one; the connection survives the first.
        forwarder.Post(WithNaN(events[roundOne]));
        var two = events.First(e => e is RoundFinished { Metrics.Round: 2 });
        forwarder.Post(two);
        await Eventually.WaitAsync(() => Task.FromResult(rounds.Count), n => n >= 2, TimeSpan.FromSeconds(30), "rounds 1 and 2 live");
        Assert.True(double.IsNaN(rounds[1].Loss));
        Assert.True(double.IsPositiveInfinity(rounds[1].TrainLoss!.Value));
        Assert.False(double.IsNaN(rounds[2].Loss));
        Assert.Equal(HubConnectionState.Connected, connection.State);

        // And a second JoinRun for the same run still answers.
        var again = await connection.InvokeAsync<RunSnapshotMessage>("JoinRun", id);
        Assert.Equal(id, again.RunId);
    }
}
