namespace FedLab.Data;

/// <summary>What a run had spent, cumulatively, by the first round whose accuracy reached a target.</summary>
public sealed record CostToTarget(int Round, double MbUp, double MbDown, double ClientTflops, double Seconds)
{
    public double MbTotal => MbUp + MbDown;
}
