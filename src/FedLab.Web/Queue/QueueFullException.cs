namespace FedLab.Web.Queue;

/// <summary>The queue already holds as many waiting runs as FedLab:MaxQueuedRuns allows.</summary>
public sealed class QueueFullException(int capacity)
    : Exception($"the run queue is full ({capacity} runs waiting); wait for some to finish or cancel some")
{
    public int Capacity { get; } = capacity;
}
