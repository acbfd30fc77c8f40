using System.Text.Json.Serialization;

namespace FedLab.Engine.Runs;

/// <summary>How floating-point values travel: 4-byte fp32, or 2-byte fp16 (half the bytes, about 3 significant digits).</summary>
public enum WirePrecision
{
    [JsonStringEnumMemberName("fp32")]
    Fp32,
    [JsonStringEnumMemberName("fp16")]
    Fp16,
}
