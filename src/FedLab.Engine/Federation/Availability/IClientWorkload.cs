namespace FedLab.Engine.Federation.Availability;

/// <summary>A client's result that states the analytic FLOPs of its work, so the simulated clock can time it.</summary>
public interface IClientWorkload
{
    double Flops { get; }
}
