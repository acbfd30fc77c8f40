using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>Bytes that cross the (simulated) network, with what they carry. Counting is Bytes.Length.</summary>
public sealed record Payload(PayloadKind Kind, byte[] Bytes)
{
    public long Length => Bytes.LongLength;
}
