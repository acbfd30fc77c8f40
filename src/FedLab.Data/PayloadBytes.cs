using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Bytes in one direction by payload kind (the lengths of the payloads the engine serialised). Any kind name may
/// appear; kinds with zero bytes are left out, and <see cref="Kinds"/> lists the others in display order
/// (<see cref="PayloadKind.Order"/>, then by name). Serialises to JSON as an object of kind name to bytes.
/// </summary>
[JsonConverter(typeof(PayloadBytesJsonConverter))]
public sealed class PayloadBytes : IEquatable<PayloadBytes>
{
    private readonly Dictionary<PayloadKind, long> _bytes;

    private PayloadBytes(Dictionary<PayloadKind, long> bytes)
    {
        _bytes = bytes;
        Kinds = DisplayOrder(bytes.Keys);
        Total = bytes.Values.Sum();
    }

    public static PayloadBytes Zero { get; } = new([]);

    /// <summary>The kinds that carried bytes, in display order.</summary>
    public IReadOnlyList<PayloadKind> Kinds { get; }

    public long Total { get; }

    /// <summary>The bytes of <paramref name="kind"/>; 0 for a kind that carried none.</summary>
    public long this[PayloadKind kind] => _bytes.GetValueOrDefault(kind);

    public static PayloadBytes From(IEnumerable<KeyValuePair<PayloadKind, long>> byKind)
    {
        var bytes = new Dictionary<PayloadKind, long>();
        foreach (var (kind, value) in byKind)
        {
            if (value != 0)
            {
                bytes[kind] = bytes.GetValueOrDefault(kind) + value;
            }
        }
        return bytes.Count == 0 ? Zero : new PayloadBytes(bytes);
    }

    /// <summary>Kind by kind sums.</summary>
    public static PayloadBytes Sum(IEnumerable<PayloadBytes> parts) => From(parts.SelectMany(p => p._bytes));

    /// <summary>Only the kinds that carried bytes, in display order.</summary>
    public IReadOnlyDictionary<PayloadKind, long> ToDictionary() => Kinds.ToDictionary(k => k, k => _bytes[k]);

    /// <summary>Display order: the well-known kinds first (<see cref="PayloadKind.Order"/>), then any other by name.</summary>
    public static IReadOnlyList<PayloadKind> DisplayOrder(IEnumerable<PayloadKind> kinds) =>
        [.. kinds.Distinct().OrderBy(PayloadKind.Order).ThenBy(k => k.Name, StringComparer.Ordinal)];

    public bool Equals(PayloadBytes? other) =>
        other is not null && other._bytes.Count == _bytes.Count && _bytes.All(kv => other._bytes.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as PayloadBytes);

    public override int GetHashCode() => Kinds.Aggregate(Total.GetHashCode(), (h, k) => HashCode.Combine(h, k, _bytes[k]));

    public override string ToString() => "{" + string.Join(", ", Kinds.Select(k => $"{k.Name}: {_bytes[k]}")) + "}";
}
