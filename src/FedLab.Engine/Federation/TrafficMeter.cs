using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>Counts payload bytes by direction and kind for one client in one round.</summary>
public sealed class TrafficMeter
{
    private readonly Dictionary<PayloadKind, long> _down = [];
    private readonly Dictionary<PayloadKind, long> _up = [];

    public long Down => _down.Values.Sum();
    public long Up => _up.Values.Sum();
    public IReadOnlyDictionary<PayloadKind, long> DownByKind => _down;
    public IReadOnlyDictionary<PayloadKind, long> UpByKind => _up;

    public Payload Sent(Payload payload)
    {
        _up[payload.Kind] = _up.GetValueOrDefault(payload.Kind) + payload.Length;
        return payload;
    }

    public Payload Received(Payload payload)
    {
        _down[payload.Kind] = _down.GetValueOrDefault(payload.Kind) + payload.Length;
        return payload;
    }

    public static IReadOnlyDictionary<PayloadKind, long> Sum(IEnumerable<IReadOnlyDictionary<PayloadKind, long>> parts)
    {
        var total = new Dictionary<PayloadKind, long>();
        foreach (var part in parts)
        {
            foreach (var (kind, bytes) in part)
            {
                total[kind] = total.GetValueOrDefault(kind) + bytes;
            }
        }
        return total;
    }
}
