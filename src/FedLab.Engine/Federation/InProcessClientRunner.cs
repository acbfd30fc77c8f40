using System.Diagnostics;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// Runs clients one after another on the run's thread (TorchSharp dispose scopes are per thread), each with a fresh
/// link. An exception from a client's work becomes that client's <see cref="ClientFailureKinds.Error"/> failure,
/// with the bytes it had already exchanged; cancellation passes through.
/// </summary>
public sealed class InProcessClientRunner : IClientRunner
{
    public static InProcessClientRunner Instance { get; } = new();

    public void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct)
    {
        foreach (var client in clients)
        {
            ct.ThrowIfCancellationRequested();
            completed(RunOne(round, client, work, ct));
        }
    }

    /// <summary>
    /// One client's work as an outcome; other runners (a fault injector, a remote runner) reuse it. An exception becomes
    /// a failure of the kind <paramref name="kindOf"/> names (default: <see cref="ClientFailureKinds.Error"/>).
    /// </summary>
    public static ClientOutcome<T> RunOne<T>(int round, int client, ClientWork<T> work, CancellationToken ct, Func<Exception, string>? kindOf = null)
    {
        var link = new TrafficMeter();
        var clock = Stopwatch.StartNew();
        try
        {
            var result = work(new ClientTask(round, client, link), ct);
            return new ClientOutcome<T>(client, result, null, link, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failed<T>(round, client, kindOf?.Invoke(ex) ?? ClientFailureKinds.Error, ex.Message, link, clock.Elapsed.TotalSeconds);
        }
    }

    public static ClientOutcome<T> Failed<T>(int round, int client, string kind, string reason, TrafficMeter link, double seconds) =>
        new(client, default, new ClientFailure(round, client, kind, reason, Copy(link.DownByKind), Copy(link.UpByKind), seconds), link, seconds);

    private static Dictionary<PayloadKind, long> Copy(IReadOnlyDictionary<PayloadKind, long> counts) => new(counts);
}
