namespace FedLab.Cluster;

/// <summary>A client's worker could not be reached or did not answer in time; its client fails the round as "workerLost".</summary>
public sealed class WorkerLostException(string worker, string reason, Exception? inner = null)
    : Exception($"worker {worker} lost: {reason}", inner)
{
    public const string Kind = "workerLost";

    public string Worker { get; } = worker;
}
