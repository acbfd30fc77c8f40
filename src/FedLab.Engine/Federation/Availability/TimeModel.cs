namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// The one model of time (the realistic-client simulation and the studies' what-if share it): a pure function of a
/// client's analytic FLOPs, the exact bytes it received and sent, the number of messages, and its device profile.
///   seconds = FLOPs / (GFLOP/s · 10⁹) + 8 · bytes down / (Mbit/s down · 10⁶) + 8 · bytes up / (Mbit/s up · 10⁶)
///           + messages · latency
/// Compute and transfer do not overlap (a conservative, simple model; split learning's per-batch exchanges are
/// sequential anyway).
/// </summary>
public static class TimeModel
{
    public static double Seconds(double flops, long bytesDown, long bytesUp, int messages, DeviceProfile device) =>
        ComputeSeconds(flops, device) + TransferSeconds(bytesDown, bytesUp, device) + messages * device.LatencySeconds;

    public static double ComputeSeconds(double flops, DeviceProfile device) => flops / (device.Gflops * 1e9);

    public static double TransferSeconds(long bytesDown, long bytesUp, DeviceProfile device) =>
        8.0 * bytesDown / (device.DownMbps * 1e6) + 8.0 * bytesUp / (device.UpMbps * 1e6);
}
