namespace FedLab.Cluster;

/// <summary>The named metrics a cluster run adds (docs/cluster.md).</summary>
public static class OrleansSessionNames
{
    /// <summary>Per client round: which worker ran the client (1, 2, ... in the run's order of first use).</summary>
    public const string Worker = OrleansSession.WorkerMetric;

    /// <summary>Per round: workers in use.</summary>
    public const string Workers = OrleansSession.WorkersMetric;

    /// <summary>Per round: payload bytes that crossed between the coordinator and the workers (the run's reported bytes).</summary>
    public const string PayloadBytes = OrleansSession.PayloadBytesMetric;

    /// <summary>Per round: the Orleans-serialised calls and replies, payloads included.</summary>
    public const string MessageBytes = OrleansSession.MessageBytesMetric;

    /// <summary>Per round: workers lost so far in the run.</summary>
    public const string Lost = OrleansSession.LostMetric;

    /// <summary>Per round: calls sent again after this coordinator lost a gateway while they were out (answered once by the worker).</summary>
    public const string Resends = OrleansSession.ResendsMetric;
}
