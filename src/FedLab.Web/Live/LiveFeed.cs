using FedLab.Engine.Runs;
using Microsoft.JSInterop;

namespace FedLab.Web.Live;

/// <summary>
/// How a page follows live events: batches go to <c>apply</c> until the page closes. A batch that fails
/// while the page is still open (a chart call, a store read) is logged and following goes on, because every
/// page re-reads the store and the next batch catches up; a page that stopped following would look frozen.
/// </summary>
public static class LiveFeed
{
    public static async Task FollowAsync(RunSubscription subscription, TimeSpan window, TimeProvider time,
        Func<IReadOnlyList<RunEvent>, Task> apply, ILogger logger, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in subscription.ReadBatchesAsync(window, time, ct))
            {
                try
                {
                    await apply(batch);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && ex is not JSDisconnectedException)
                {
                    logger.LogWarning(ex, "a live update ({Events} event(s)) failed; the next one catches up", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page closed.
        }
        catch (Exception ex) when (ex is JSDisconnectedException || (ex is ObjectDisposedException && ct.IsCancellationRequested))
        {
            // The circuit went away.
        }
    }
}
