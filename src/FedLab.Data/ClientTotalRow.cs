namespace FedLab.Data;

/// <summary>
/// One client's totals over a run's stored rounds, computed in the database. <see cref="Rounds"/>, the last round
/// and its loss count the rounds the client completed; <see cref="Failures"/> the rounds it failed; bytes and
/// seconds include failed rounds (the bytes were sent).
/// </summary>
public sealed record ClientTotalRow(int ClientId, int Rounds, int LastRound, double? LastTrainLoss, double? LastAccuracy,
    long BytesUp, long BytesDown, double Flops, double Seconds, int Failures = 0);
