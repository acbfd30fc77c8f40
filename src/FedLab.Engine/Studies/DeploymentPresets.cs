namespace FedLab.Engine.Studies;

/// <summary>
/// Named deployments with their numbers and where they come from. They are typical figures, meant to put the three
/// protocols' bytes, FLOPs and message patterns on a common clock, not measurements of a particular network; a
/// custom profile takes any values.
/// </summary>
public static class DeploymentPresets
{
    /// <summary>A phone on 4G LTE training on its CPU; the server a datacenter GPU.</summary>
    public static readonly DeploymentProfile Phone4G = new("phone-4g", ClientGflops: 10, ServerGflops: 5000, UpMbps: 10, DownMbps: 30, RttMs: 50,
        Source: "4G/LTE: typical national averages of 20-40 Mbit/s down, 5-15 up and 40-60 ms latency in Opensignal's and Ookla's mobile "
              + "network reports; phone: a few to ~20 GFLOP/s sustained FP32 on CPU cores for training (mobile-training benchmarks); "
              + "server: a datacenter GPU at a modest fraction of its ~20 TFLOP/s FP32 peak for small batches");

    /// <summary>A laptop on home broadband (cable/fibre, asymmetric); the server a datacenter GPU.</summary>
    public static readonly DeploymentProfile LaptopBroadband = new("laptop-broadband", ClientGflops: 100, ServerGflops: 5000, UpMbps: 20, DownMbps: 100, RttMs: 20,
        Source: "home broadband: 100 Mbit/s down, 20 up, ~20 ms round trip, typical tiers in the FCC's Measuring Broadband America reports; "
              + "laptop: ~100 GFLOP/s, what FedLab measures on 2 modern x86 cores (docs: 100-160 GFLOP/s forward+backward)");

    /// <summary>A hospital's server on a datacenter-grade link to the coordinating server.</summary>
    public static readonly DeploymentProfile HospitalDatacenter = new("hospital-datacenter", ClientGflops: 2000, ServerGflops: 5000, UpMbps: 1000, DownMbps: 1000, RttMs: 5,
        Source: "1 Gbit/s symmetric institutional link with ~5 ms regional round trip; client: an on-premises GPU server at ~2 TFLOP/s "
              + "effective; server: as above");

    public static IReadOnlyList<DeploymentProfile> All { get; } = [Phone4G, LaptopBroadband, HospitalDatacenter];

    public static DeploymentProfile? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
