using FedLab.Engine.Federation.Availability;

namespace FedLab.Engine.Studies;

/// <summary>
/// A deployment for the what-if: the client device and its link (uplink, downlink, round-trip latency) and the
/// server's compute. It is the same model of time as the realistic-client simulation: <see cref="Client"/> is the
/// <see cref="DeviceProfile"/> that <see cref="TimeModel"/> costs a client with (one-way latency = RTT / 2 per message).
/// </summary>
public sealed record DeploymentProfile(string Name, double ClientGflops, double ServerGflops, double UpMbps, double DownMbps, double RttMs, string Source = "custom")
{
    public DeviceProfile Client => new(ClientGflops, UpMbps, DownMbps, RttMs / 2000.0);

    public DeploymentProfile WithUplink(double upMbps) => this with { UpMbps = upMbps };

    /// <summary>The problems with a custom profile, each naming its field; empty when it can be used.</summary>
    public IReadOnlyList<Runs.SpecError> Problems()
    {
        var errors = new List<Runs.SpecError>();
        void Positive(string field, double value)
        {
            if (!(double.IsFinite(value) && value > 0))
            {
                errors.Add(new Runs.SpecError(field, $"must be a positive number, got {value}"));
            }
        }
        Positive("clientGflops", ClientGflops);
        Positive("serverGflops", ServerGflops);
        Positive("upMbps", UpMbps);
        Positive("downMbps", DownMbps);
        if (!(double.IsFinite(RttMs) && RttMs >= 0))
        {
            errors.Add(new Runs.SpecError("rttMs", $"must be zero or a positive number, got {RttMs}"));
        }
        return errors;
    }
}
