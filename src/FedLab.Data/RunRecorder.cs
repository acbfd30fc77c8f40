using System.Text.Json;
using FedLab.Data.Entities;
using FedLab.Data.Recording;
using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace FedLab.Data;

/// <summary>
/// Writes one run's events to the database, losslessly and synchronously inside <see cref="Publish"/> (on the
/// run's thread), so a round the engine reported finished is on disk before the engine goes on:
/// <list type="bullet">
/// <item>RunStarted: the facts (device, engine version, parameter counts, partition histograms, class names),
/// status Running, started time, and this process as owner. On a resume it drops rows from the resumed round
/// on (left by the attempt that died; they are recorded again).</item>
/// <item>ClientRoundFinished and ClientRoundFailed: buffered until their round's RoundFinished; a failure is a
/// client-round row whose status is the failure kind, with its reason and the bytes exchanged before it.</item>
/// <item>RoundFinished: the round, its traffic by payload kind, its client rounds (and theirs) and the run's progress (last round, checkpoint, best and
/// final accuracy, totals) in ONE transaction. The engine's checkpoint file is first renamed to a per-round
/// name, and the previous one deleted only after the commit, so the checkpoint the run row names always
/// holds exactly the state after the run's last recorded round, whenever the process dies.</item>
/// <item>RunFinished/RunFailed/RunCancelled: status, error and finished time.</item>
/// </list>
/// It never throws out of Publish: a failed write is logged and counted (<see cref="FailedWrites"/>).
/// </summary>
public sealed class RunRecorder : IRunEventSink
{
    private readonly IDbContextFactory<FedLabDbContext> _contexts;
    private readonly ILogger<RunRecorder> _logger;
    private readonly TimeProvider _time;
    private readonly List<ClientRoundMetrics> _pending = [];
    private readonly List<ClientFailure> _pendingFailures = [];
    private long? _runKey;
    private string? _checkpointOnDisk;

    internal RunRecorder(Guid runId, IDbContextFactory<FedLabDbContext> contexts, ILogger<RunRecorder> logger, TimeProvider time)
    {
        RunId = runId;
        _contexts = contexts;
        _logger = logger;
        _time = time;
    }

    public Guid RunId { get; }

    /// <summary>Events whose write failed (logged); 0 means everything reported is on disk.</summary>
    public int FailedWrites { get; private set; }

    public Exception? LastError { get; private set; }

    public void Publish(RunEvent runEvent)
    {
        try
        {
            if (runEvent.RunId != RunId)
            {
                throw new ArgumentException($"event for run {runEvent.RunId} sent to the recorder of run {RunId}");
            }
            switch (runEvent)
            {
                case RunStarted started:
                    ClearPending();
                    Started(started);
                    break;
                case ClientRoundFinished client:
                    _pending.Add(client.Metrics);
                    break;
                case ClientRoundFailed failed:
                    _pendingFailures.Add(failed.Failure);
                    break;
                case RoundFinished round:
                    RoundDone(round);
                    break;
                case RunFinished finished:
                    ClearPending();
                    Ended(RunStatus.Finished, null, finished.Timestamp);
                    break;
                case RunFailed failed:
                    ClearPending();
                    Ended(RunStatus.Failed, failed.Error, failed.Timestamp);
                    break;
                case RunCancelled cancelled:
                    ClearPending(); // a round cut short is not recorded; a resume runs it again
                    Ended(RunStatus.Cancelled, null, cancelled.Timestamp);
                    break;
            }
        }
        catch (Exception ex)
        {
            FailedWrites++;
            LastError = ex;
            _logger.LogError(ex, "recording {Event} of run {RunId} failed", runEvent.GetType().Name, RunId);
        }
    }

    private void Started(RunStarted e)
    {
        using var db = _contexts.CreateDbContext();
        using var tx = db.Database.BeginTransaction();
        var now = e.Timestamp.UtcDateTime;
        var run = db.Runs.SingleOrDefault(r => r.Id == RunId);
        if (run is null)
        {
            // Recording a run nobody created first (a script driving the engine directly) still keeps everything.
            run = SpecColumns.NewRun(RunId, e.Spec, null, now, ProcessOwner.Current);
            db.Runs.Add(run);
            db.SaveChanges();
        }
        db.ClientRoundTraffic.Where(c => c.RunKey == run.Key && c.Round >= e.FirstRound).ExecuteDelete();
        db.ClientRoundMetrics.Where(c => c.RunKey == run.Key && c.Round >= e.FirstRound).ExecuteDelete();
        db.RoundMetrics.Where(r => r.RunKey == run.Key && r.Round >= e.FirstRound).ExecuteDelete();
        db.ClientRounds.Where(c => c.RunKey == run.Key && c.Round >= e.FirstRound).ExecuteDelete();
        db.RoundTraffic.Where(r => r.RunKey == run.Key && r.Round >= e.FirstRound).ExecuteDelete();
        db.Rounds.Where(r => r.RunKey == run.Key && r.Round >= e.FirstRound).ExecuteDelete();
        db.Partitions.Where(p => p.RunKey == run.Key).ExecuteDelete();
        var histograms = e.Info.ClientLabelHistograms;
        for (int client = 0; client < histograms.Count; client++)
        {
            db.Partitions.Add(new PartitionEntity
            {
                RunKey = run.Key,
                ClientId = client,
                Examples = histograms[client].Sum(),
                LabelCountsJson = JsonSerializer.Serialize(histograms[client]),
            });
        }

        if (run.StartedAt is not null)
        {
            run.Resumes++;
        }
        run.StartedAt ??= now;
        run.FinishedAt = null;
        run.Status = nameof(RunStatus.Running);
        run.Error = null;
        var owner = ProcessOwner.Current;
        (run.OwnerHost, run.OwnerPid, run.OwnerStartedAt) = (owner.Host, owner.Pid, owner.StartedAt);
        var info = e.Info;
        run.Device = info.Device;
        run.EngineVersion = info.EngineVersion;
        run.ModelDisplayName = info.ModelDisplayName;
        run.TotalParameters = info.TotalParameters;
        run.TrainableParameters = info.TrainableParameters;
        run.TrainableStateBytes = info.TrainableStateBytes;
        run.TrainExamples = info.TrainExamples;
        run.TestExamples = info.TestExamples;
        run.PublicExamples = info.PublicExamples;
        run.ClassNamesJson = JsonSerializer.Serialize(info.ClassNames);
        run.TotalRounds = e.Spec.Training.Rounds;
        db.SaveChanges();
        RoundWriter.UpdateProgress((SqliteConnection)db.Database.GetDbConnection(), (SqliteTransaction)tx.GetDbTransaction(), run.Key);
        tx.Commit();
        _runKey = run.Key;
        _checkpointOnDisk = run.CheckpointPath;
    }

    private void RoundDone(RoundFinished e)
    {
        int round = e.Metrics.Round;
        var (clients, failures) = TakeClientRounds(round);
        long key = _runKey ?? LookUpKey();
        string? checkpoint = e.CheckpointPath is null ? null : KeepPerRound(e.CheckpointPath, round);

        using (var db = _contexts.CreateDbContext())
        {
            db.Database.OpenConnection();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            using var tx = connection.BeginTransaction();
            RoundWriter.Write(connection, tx, key, e.Metrics, clients, e.TotalRounds, checkpoint, e.Timestamp.UtcDateTime, failures);
            tx.Commit();
        }

        if (checkpoint is not null)
        {
            // Only now is the older file unreferenced.
            if (_checkpointOnDisk is not null && _checkpointOnDisk != checkpoint)
            {
                TryDelete(_checkpointOnDisk);
            }
            _checkpointOnDisk = checkpoint;
        }
    }

    private (List<ClientRoundMetrics> Clients, List<ClientFailure> Failures) TakeClientRounds(int round)
    {
        // One row per (round, client), the table's key: a client reported twice keeps its last report (a result
        // or a failure) rather than failing the whole round's transaction.
        var rows = new Dictionary<(int Round, int Client), ClientRoundMetrics>();
        var failed = new Dictionary<(int Round, int Client), ClientFailure>();
        foreach (var c in _pending)
        {
            Check(c.Round, c.ClientId, round);
            if (!rows.TryAdd((c.Round, c.ClientId), c))
            {
                _logger.LogWarning("run {RunId}: client {Client} reported round {Round} twice; keeping the last report", RunId, c.ClientId, c.Round);
                rows[(c.Round, c.ClientId)] = c;
            }
        }
        foreach (var f in _pendingFailures)
        {
            Check(f.Round, f.ClientId, round);
            if (rows.Remove((f.Round, f.ClientId)) | failed.ContainsKey((f.Round, f.ClientId)))
            {
                _logger.LogWarning("run {RunId}: client {Client} reported round {Round} twice; keeping the failure", RunId, f.ClientId, f.Round);
            }
            failed[(f.Round, f.ClientId)] = f;
        }
        ClearPending();
        return ([.. rows.Values], [.. failed.Values]);
    }

    private void Check(int clientRound, int client, int round)
    {
        if (clientRound != round)
        {
            _logger.LogWarning("run {RunId}: client {Client} reported round {ClientRound} inside round {Round}; recorded under its own round", RunId, client, clientRound, round);
        }
    }

    private void ClearPending()
    {
        _pending.Clear();
        _pendingFailures.Clear();
    }

    /// <summary>Renames the engine's checkpoint to a name only this round uses (the engine overwrites its own name next round).</summary>
    private string KeepPerRound(string enginePath, int round)
    {
        var target = Path.Combine(Path.GetDirectoryName(enginePath) ?? ".", RunCheckpointFiles.RoundFileName(RunId, round));
        try
        {
            File.Move(enginePath, target, overwrite: true);
            return target;
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "run {RunId}: could not rename checkpoint {Path}; keeping the engine's name", RunId, enginePath);
            return enginePath;
        }
    }

    private void Ended(RunStatus status, string? error, DateTimeOffset at)
    {
        using var db = _contexts.CreateDbContext();
        var updated = db.Runs.Where(r => r.Id == RunId).ExecuteUpdate(s => s
            .SetProperty(r => r.Status, status.ToString())
            .SetProperty(r => r.Error, error)
            .SetProperty(r => r.FinishedAt, at.UtcDateTime));
        if (updated == 0)
        {
            throw new InvalidOperationException($"run {RunId} does not exist");
        }
    }

    private long LookUpKey()
    {
        using var db = _contexts.CreateDbContext();
        var key = db.Runs.Where(r => r.Id == RunId).Select(r => (long?)r.Key).SingleOrDefault()
            ?? throw new InvalidOperationException($"run {RunId} does not exist (was RunStarted recorded?)");
        _runKey = key;
        return key;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "run {RunId}: could not delete old checkpoint {Path}", RunId, path);
        }
    }
}
