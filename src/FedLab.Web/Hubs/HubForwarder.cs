using System.Threading.Channels;
using FedLab.Engine.Runs;
using FedLab.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace FedLab.Web.Hubs;

/// <summary>
/// Hands run events to the SignalR hub without ever blocking a run: <see cref="Post"/> only writes to a
/// bounded channel, and this service sends from it. If outside subscribers are so slow that the channel
/// fills, new messages are dropped and counted (the store keeps everything; JoinRun returns it).
/// </summary>
public sealed class HubForwarder(IHubContext<RunHub> hub, ILogger<HubForwarder> logger) : BackgroundService
{
    public const int Capacity = 10_000;

    private readonly Channel<RunEvent> _channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(Capacity)
    {
        // Only TryWrite is used: a full channel refuses the newest message without waiting (counted below).
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Post(RunEvent runEvent)
    {
        if (!_channel.Writer.TryWrite(runEvent) && Interlocked.Increment(ref _dropped) % 1000 == 1)
        {
            logger.LogWarning("hub subscribers are too slow: {Dropped} messages dropped so far", Dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var runEvent in _channel.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(runEvent, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "sending {Event} of run {RunId} to hub subscribers failed", runEvent.GetType().Name, runEvent.RunId);
            }
        }
    }

    private Task SendAsync(RunEvent runEvent, CancellationToken ct)
    {
        var group = hub.Clients.Group(HubMessageNames.RunGroup(runEvent.RunId));
        switch (runEvent)
        {
            case RoundFinished r:
                return group.SendAsync(HubMessageNames.RoundFinished, HubMessageMapper.Round(r), ct);
            case ClientRoundFinished c:
                return group.SendAsync(HubMessageNames.ClientRoundFinished, HubMessageMapper.ClientRound(c), ct);
            case ClientRoundFailed f:
                return group.SendAsync(HubMessageNames.ClientRoundFailed, HubMessageMapper.ClientRoundFailed(f), ct);
            default:
                if (HubMessageMapper.Status(runEvent) is RunStatusMessage status)
                {
                    return hub.Clients.Groups(HubMessageNames.RunGroup(runEvent.RunId), HubMessageNames.AllRunsGroup)
                        .SendAsync(HubMessageNames.RunStatusChanged, status, ct);
                }
                return Task.CompletedTask;
        }
    }
}
