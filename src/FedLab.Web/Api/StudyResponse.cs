using FedLab.Data.Studies;
using FedLab.Engine.Studies;

namespace FedLab.Web.Api;

/// <summary>GET /api/studies/{id}: progress, the runs of each cell, statistics per configuration, crossovers under the profile.</summary>
public sealed record StudyResponse(
    Guid Id,
    string Name,
    string Status,
    int Total,
    int Finished,
    int Failed,
    double? EstimatedSecondsLeft,
    double? TargetAccuracy,
    DeploymentProfile Profile,
    IReadOnlyList<StudyRunResponse> Runs,
    IReadOnlyList<StudyConfigurationResponse> Configurations,
    IReadOnlyList<string> Crossovers)
{
    public static StudyResponse From(StudyResults results)
    {
        var s = results.State;
        return new StudyResponse(s.Id, s.Name, s.StatusText, s.Total, s.Finished, s.Failed, s.EstimatedSecondsLeft, results.Target, results.Profile,
            [.. s.Runs.Select(r => new StudyRunResponse(r.Cell.FrameworkLabel, r.Cell.SettingText, r.Cell.Seed, r.Run?.Id,
                r.Run is null ? "not created" : Data.RunStatusNames.Name(r.Run.Status), r.Run?.RoundsDone ?? 0, r.Run?.TotalRounds ?? r.Cell.Spec.Training.Rounds))],
            [.. results.Configurations.Select(c => new StudyConfigurationResponse(c.Label, c.Framework, c.SettingText, c.Seeds, c.SeedsFinished, c.Rounds,
                c.Accuracy, c.Loss, c.CumulativeMb, c.CumulativeClientTflops, c.SimulatedSeconds, c.Best, c.Final, c.TotalMb, c.TotalClientTflops,
                c.TotalSimulatedSeconds, c.ClientAccuracySpread, c.TargetReached, c.MbToTarget, c.TflopsToTarget, c.RoundsToTarget, c.SimulatedSecondsToTarget))],
            Data.Studies.Export.StudyReport.CrossoverLines(results, StudyEndpoints.Profiles(results.Profile)));
    }
}

public sealed record StudyRunResponse(string Framework, string Setting, int Seed, Guid? RunId, string Status, int RoundsDone, int TotalRounds);

public sealed record StudyConfigurationResponse(
    string Framework, string Kind, string Setting, int Seeds, int SeedsFinished, IReadOnlyList<int> Rounds,
    IReadOnlyList<SeedInterval> Accuracy, IReadOnlyList<SeedInterval> Loss, IReadOnlyList<SeedInterval> CumulativeMb,
    IReadOnlyList<SeedInterval> CumulativeClientTflops, IReadOnlyList<SeedInterval> SimulatedSeconds,
    SeedInterval Best, SeedInterval Final, SeedInterval TotalMb, SeedInterval TotalClientTflops, SeedInterval TotalSimulatedSeconds,
    SeedInterval ClientAccuracySpread, int TargetReached, SeedInterval MbToTarget, SeedInterval TflopsToTarget, SeedInterval RoundsToTarget,
    SeedInterval SimulatedSecondsToTarget);
