using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>What an execution returned, and whether every event reached the database (<see cref="FailedWrites"/> = 0).</summary>
public sealed record RecordedRun(RunResult Result, int FailedWrites, Exception? LastWriteError);
