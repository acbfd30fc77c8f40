namespace FedLab.Web.Views;

/// <summary>One client's totals over a run's stored rounds, computed in the database.</summary>
public sealed record ClientTotal(int ClientId, int Rounds, int LastRound, double? LastTrainLoss, double? LastAccuracy, long BytesUp, long BytesDown, double Flops, double Seconds);
