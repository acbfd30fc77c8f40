using FedLab.Data;

namespace FedLab.Web.Views;

/// <summary>One client over the run so far: its data and its totals (the run page's per-client table).</summary>
public sealed class ClientStats(int clientId, int examples, IReadOnlyList<int> labelCounts)
{
    public int ClientId { get; } = clientId;
    public int Examples { get; } = examples;
    public IReadOnlyList<int> LabelCounts { get; } = labelCounts;
    public int Rounds { get; private set; }
    public int LastRound { get; private set; }
    public double? LastTrainLoss { get; private set; }
    public double? LastAccuracy { get; private set; }
    public long BytesUp { get; private set; }
    public long BytesDown { get; private set; }
    public double Flops { get; private set; }
    public double Seconds { get; private set; }
    /// <summary>Rounds in which the client was selected but produced no result.</summary>
    public int Failures { get; private set; }

    /// <summary>Starts from the totals the store computed for the stored rounds.</summary>
    public void AddTotals(ClientTotalRow t)
    {
        Rounds += t.Rounds;
        Failures += t.Failures;
        if (t.LastRound >= LastRound)
        {
            LastRound = t.LastRound;
            LastTrainLoss = t.LastTrainLoss is double l && double.IsFinite(l) ? l : LastTrainLoss;
            LastAccuracy = t.LastAccuracy ?? LastAccuracy;
        }
        BytesUp += t.BytesUp;
        BytesDown += t.BytesDown;
        Flops += t.Flops;
        Seconds += t.Seconds;
    }

    public void Add(int round, double trainLoss, long bytesUp, long bytesDown, double flops, double seconds, double? accuracy)
    {
        Rounds++;
        if (round >= LastRound)
        {
            LastRound = round;
            LastTrainLoss = trainLoss;
            LastAccuracy = accuracy ?? LastAccuracy;
        }
        BytesUp += bytesUp;
        BytesDown += bytesDown;
        Flops += flops;
        Seconds += seconds;
    }

    /// <summary>A failed round: its bytes and seconds count, it is not a completed round.</summary>
    public void AddFailure(long bytesUp, long bytesDown, double seconds)
    {
        Failures++;
        BytesUp += bytesUp;
        BytesDown += bytesDown;
        Seconds += seconds;
    }
}
