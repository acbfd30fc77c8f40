using System.Text.Json;
using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Hubs;

namespace FedLab.Web.Tests.Hubs;

/// <summary>The hub's messages follow the data: any payload kind by name, failed clients as their own message.</summary>
public sealed class HubMessageMapperTests
{
    private static readonly PayloadKind Masks = new("secaggMasks");
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NewPayloadKind_AppearsByName_InRoundAndClientMessages()
    {
        var id = Guid.NewGuid();
        var up = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 1000, [Masks] = 64 };
        var down = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 1000 };
        var client = new ClientRoundMetrics(1, 0, 40, 2, 0.5, 1000, 1064, down, up, 1e9, 0.25);
        var round = new RoundMetrics(1, new EvalMetrics(0.8, 0.7, 0.3, 40), 1, 1000, 1064, down, up, 1e9, 0.25, 0.1, 0.2, 1.5, 0.5);

        var live = HubMessageMapper.Round(new RoundFinished(id, At, round, 3, null));
        Assert.Equal(new Dictionary<string, long> { ["parameters"] = 1000, ["secaggMasks"] = 64 }, live.BytesUpByKind);
        Assert.Equal(new Dictionary<string, long> { ["parameters"] = 1000 }, live.BytesDownByKind);
        Assert.Equal(64, HubMessageMapper.ClientRound(new ClientRoundFinished(id, At, client)).BytesUpByKind["secaggMasks"]);

        // The JoinRun snapshot maps stored rows the same way.
        var stored = new RoundRow
        {
            Round = 1, Accuracy = 0.8, MacroF1 = 0.7, Loss = 0.3, EvalExamples = 40, Clients = 1, BytesUp = 1064, BytesDown = 1000,
            Up = PayloadBytes.From(up), Down = PayloadBytes.From(down), ClientFlops = 1e9, ClientSeconds = 0.25, ServerSeconds = 0.1,
            EvalSeconds = 0.2, WallSeconds = 1.5, FinishedAt = At,
        };
        Assert.Equal(live.BytesUpByKind, HubMessageMapper.Round(id, 3, stored).BytesUpByKind);

        // On the wire (SignalR's JSON protocol is camelCase): the same shape as before, keyed by kind name.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(live, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.Equal(64, json.RootElement.GetProperty("bytesUpByKind").GetProperty("secaggMasks").GetInt64());
    }

    [Fact]
    public void NamedMetrics_TravelAsAMapByName_LiveAndFromTheStore()
    {
        var id = Guid.NewGuid();
        var none = new Dictionary<PayloadKind, long>();
        var metrics = new Dictionary<string, double> { ["privacy.epsilon"] = 1.25, ["validation.accuracy"] = 0.5 };
        var round = new RoundMetrics(1, new EvalMetrics(0.8, 0.7, 0.3, 40), 1, 0, 0, none, none, 0, 0, 0, 0, 0, 0.5, Extra: metrics);
        var client = new ClientRoundMetrics(1, 0, 40, 2, 0.5, 0, 0, none, none, 1e9, 0.25, Extra: new Dictionary<string, double> { ["clock.simulatedSeconds"] = 7 });

        var live = HubMessageMapper.Round(new RoundFinished(id, At, round, 3, null));
        Assert.Equal(metrics, live.Extra);
        Assert.Equal(7, HubMessageMapper.ClientRound(new ClientRoundFinished(id, At, client)).Extra["clock.simulatedSeconds"]);
        Assert.Empty(HubMessageMapper.Round(new RoundFinished(id, At, round with { Extra = null }, 3, null)).Extra);

        var stored = new RoundRow
        {
            Round = 1, Accuracy = 0.8, MacroF1 = 0.7, Loss = 0.3, EvalExamples = 40, Clients = 1, BytesUp = 0, BytesDown = 0,
            Up = PayloadBytes.Zero, Down = PayloadBytes.Zero, ClientFlops = 0, ClientSeconds = 0, ServerSeconds = 0,
            EvalSeconds = 0, WallSeconds = 0, FinishedAt = At, Extra = metrics,
        };
        Assert.Equal(metrics, HubMessageMapper.Round(id, 3, stored).Extra);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(live, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.Equal(1.25, json.RootElement.GetProperty("extra").GetProperty("privacy.epsilon").GetDouble());
    }

    [Fact]
    public void ClientRoundFailed_MapsToItsMessage()
    {
        var id = Guid.NewGuid();
        var failure = new ClientFailure(2, 3, ClientFailureKinds.Deadline, "missed the 30 s deadline",
            new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 2000 }, new Dictionary<PayloadKind, long>(), 30);

        var m = HubMessageMapper.ClientRoundFailed(new ClientRoundFailed(id, At, failure));

        Assert.Equal((id, 2, 3, "deadline", "missed the 30 s deadline"), (m.RunId, m.Round, m.ClientId, m.Kind, m.Reason));
        Assert.Equal((0L, 2000L), (m.BytesUp, m.BytesDown));
        Assert.Equal(2000, m.BytesDownByKind["parameters"]);
        Assert.Equal("ClientRoundFailed", HubMessageNames.ClientRoundFailed);
    }

    [Fact]
    public void StatusNames_AreTheOneMapping()
    {
        Assert.Equal("finished", HubMessageMapper.Status(new RunFinished(Guid.NewGuid(), At, 0.9, 0.9, 1))!.Status);
        Assert.All(Enum.GetValues<RunStatus>(), s => Assert.Equal(RunStatusNames.Name(s), HubMessageMapper.StatusName(s)));
        Assert.All(Enum.GetValues<RunStatus>(), s => Assert.Equal(RunStatusNames.Name(s), Web.Components.Shared.Format.Status(s)));
    }
}
