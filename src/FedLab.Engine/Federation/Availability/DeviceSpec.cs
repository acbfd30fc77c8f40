namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// How client devices and links are drawn: log-normal around a median (spread = σ of the natural log; 0 = every
/// client the same). Each client keeps its device for the whole run.
/// </summary>
public sealed record DeviceSpec
{
    /// <summary>Median sustained client compute, GFLOP/s (a phone is a few, a laptop tens, these 2 cores about 100).</summary>
    public double MedianGflops { get; init; } = 20;

    public double GflopsSpread { get; init; } = 0.5;

    /// <summary>Median uplink, Mbit/s.</summary>
    public double MedianUpMbps { get; init; } = 10;

    /// <summary>Median downlink, Mbit/s.</summary>
    public double MedianDownMbps { get; init; } = 50;

    public double BandwidthSpread { get; init; } = 0.5;

    /// <summary>One-way latency per message, milliseconds (the same for every client).</summary>
    public double LatencyMs { get; init; } = 50;
}
