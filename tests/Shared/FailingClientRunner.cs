using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Tests.Shared;

/// <summary>
/// Runs clients in-process, except that the chosen client of the chosen round throws in the middle of its work
/// (after it has received its download), as a crashed device would. Client -1 means every client of that round.
/// </summary>
public sealed class FailingClientRunner(int round, int client) : IClientRunner
{
    public const string Reason = "simulated device crash";

    public void Run<T>(int currentRound, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct)
    {
        foreach (var id in clients)
        {
            ct.ThrowIfCancellationRequested();
            ClientWork<T> chosen = currentRound == round && (id == client || client == -1)
                ? (task, token) =>
                {
                    // Let the download happen through the real work, then crash: wrap the link's first Sent.
                    using var _ = TrafficMeter.Observe((payload, up) =>
                    {
                        if (up)
                        {
                            throw new InvalidOperationException(Reason);
                        }
                    });
                    return work(task, token);
                }
                : work;
            completed(InProcessClientRunner.RunOne(currentRound, id, chosen, ct));
        }
    }
}
