using Microsoft.AspNetCore.SignalR;

namespace FedLab.Web.Hubs;

/// <summary>
/// The one place that logs a hub method's failure. A <see cref="HubException"/> is the method refusing a
/// request (JoinRun of a run that does not exist): one Information line with the reason, no stack trace (the
/// caller gets the message as its error). Anything else is a bug: Error with the exception. SignalR's own
/// dispatcher would log every failure, refusals included, at Error with a stack trace; its Error entries are
/// filtered out where the dashboard registers this filter, since this filter has already logged them.
/// </summary>
public sealed class HubFailureLogFilter(ILogger<HubFailureLogFilter> logger) : IHubFilter
{
    /// <summary>The logging category of SignalR's dispatcher (its generic argument is not part of the name).</summary>
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext);
        }
        catch (HubException ex)
        {
            logger.LogInformation("hub {Method} refused for connection {Connection}: {Reason}",
                invocationContext.HubMethodName, invocationContext.Context.ConnectionId, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "hub {Method} failed for connection {Connection}", invocationContext.HubMethodName, invocationContext.Context.ConnectionId);
            throw;
        }
    }
}
