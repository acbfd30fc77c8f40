using System.Globalization;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;

namespace FedLab.Web.Cli;

/// <summary>The study's progress line after each run: a bar of runs done of total, the run's outcome and the estimated time left.</summary>
internal sealed class StudyProgress(TextWriter output, int total, int alreadyDone, TimeProvider time)
{
    private const int BarWidth = 20;
    private readonly long _started = time.GetTimestamp();
    private int _done = alreadyDone;
    private int _doneHere;

    public void Done(StudyCell cell, RunResult? result)
    {
        _done++;
        _doneHere++;
        double elapsed = time.GetElapsedTime(_started).TotalSeconds;
        double left = elapsed / _doneHere * (total - _done);
        int filled = total == 0 ? BarWidth : (int)Math.Round(BarWidth * (double)_done / total);
        var outcome = result is null ? "not started"
            : string.Create(CultureInfo.InvariantCulture, $"{RunStatusName(result.Status)}, final acc {FinalAccuracy(result):F4}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {_done}/{total} runs · {cell.Key}: {outcome} · ~{Duration(left)} left"));
        output.Flush();
    }

    private static double FinalAccuracy(RunResult result) => result.Rounds.Count == 0 ? double.NaN : result.Rounds[^1].Global.Accuracy;

    private static string RunStatusName(RunStatus status) => Data.RunStatusNames.Name(status);

    private static string Duration(double seconds) => seconds < 60 ? $"{seconds:F0}s" : seconds < 3600 ? $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s" : $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):00}m";
}
