using FedLab.Engine.Runs;
using FedLab.Engine.Studies;

namespace FedLab.Data.Studies;

/// <summary>A study as stored: its spec, its expansion, and the run (if created yet) of each cell.</summary>
public sealed record StudyState(Guid Id, string Name, StudySpec Spec, DateTimeOffset CreatedAt, IReadOnlyList<StudyRunState> Runs)
{
    public int Total => Runs.Count;
    public int Finished => Runs.Count(r => r.Run?.Status == RunStatus.Finished);
    public int Failed => Runs.Count(r => r.Run?.Status == RunStatus.Failed);
    public int Active => Runs.Count(r => r.Run?.Status is RunStatus.Queued or RunStatus.Running);

    /// <summary>Seconds left at the mean wall time of the finished runs (null before any finished).</summary>
    public double? EstimatedSecondsLeft
    {
        get
        {
            var done = Runs.Where(r => r.Run?.Status == RunStatus.Finished).Select(r => r.Run!.Seconds).ToList();
            if (done.Count == 0)
            {
                return null;
            }
            double mean = done.Average();
            double left = Runs.Where(r => r.Run?.Status != RunStatus.Finished)
                .Sum(r => r.Run is { TotalRounds: > 0 } run ? mean * (1 - (double)run.RoundsDone / run.TotalRounds) : mean);
            return left;
        }
    }

    public string StatusText => Active > 0 ? "running" : Finished == Total ? "finished" : Failed > 0 ? "failed" : "stopped";
}

/// <summary>One cell of a study and the latest run created for it (null before it is created).</summary>
public sealed record StudyRunState(StudyCell Cell, RunSummaryRow? Run);

/// <summary>A study in the list: counts of its runs by state.</summary>
public sealed record StudyRow(Guid Id, string Name, DateTimeOffset CreatedAt, int Total, int Finished, int Failed, int Active, string Status);
