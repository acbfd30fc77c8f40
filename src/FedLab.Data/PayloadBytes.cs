using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Bytes in one direction by payload kind (the lengths of the payloads the engine serialised). Any kind name may
/// appear; kinds with zero bytes are left out, and <see cref="Kinds"/> lists the others in display order
/// (<see cref="PayloadKind.Order"/>, then by name). Serialises to JSON as an object of kind name to bytes.
/// Held as two small arrays: a round carries one to a few kinds, and the comparison query builds two of these per
/// round for thousands of rounds.
/// </summary>
[JsonConverter(typeof(PayloadBytesJsonConverter))]
public sealed class PayloadBytes : IEquatable<PayloadBytes>
{
    private readonly PayloadKind[] _kinds;
    private readonly long[] _bytes;

    private PayloadBytes(PayloadKind[] kinds, long[] bytes)
    {
        _kinds = kinds;
        _bytes = bytes;
        long total = 0;
        foreach (var b in bytes)
        {
            total += b;
        }
        Total = total;
    }

    public static PayloadBytes Zero { get; } = new([], []);

    /// <summary>The kinds that carried bytes, in display order.</summary>
    public IReadOnlyList<PayloadKind> Kinds => _kinds;

    public long Total { get; }

    /// <summary>The bytes of <paramref name="kind"/>; 0 for a kind that carried none.</summary>
    public long this[PayloadKind kind]
    {
        get
        {
            int i = Array.IndexOf(_kinds, kind);
            return i < 0 ? 0 : _bytes[i];
        }
    }

    public static PayloadBytes From(IEnumerable<KeyValuePair<PayloadKind, long>> byKind)
    {
        var kinds = new List<PayloadKind>(4);
        var bytes = new List<long>(4);
        foreach (var (kind, value) in byKind)
        {
            if (value == 0)
            {
                continue;
            }
            int i = kinds.IndexOf(kind);
            if (i < 0)
            {
                kinds.Add(kind);
                bytes.Add(value);
            }
            else
            {
                bytes[i] += value;
            }
        }
        if (kinds.Count == 0)
        {
            return Zero;
        }
        var k = kinds.ToArray();
        var b = bytes.ToArray();
        Array.Sort(k, b, DisplayComparer.Instance);
        return new PayloadBytes(k, b);
    }

    /// <summary>Kind by kind sums.</summary>
    public static PayloadBytes Sum(IEnumerable<PayloadBytes> parts) => From(parts.SelectMany(p => p.Pairs()));

    /// <summary>Only the kinds that carried bytes, in display order.</summary>
    public IReadOnlyDictionary<PayloadKind, long> ToDictionary() => Pairs().ToDictionary();

    /// <summary>Display order: the well-known kinds first (<see cref="PayloadKind.Order"/>), then any other by name.</summary>
    public static IReadOnlyList<PayloadKind> DisplayOrder(IEnumerable<PayloadKind> kinds)
    {
        var list = kinds.Distinct().ToArray();
        Array.Sort(list, DisplayComparer.Instance);
        return list;
    }

    public bool Equals(PayloadBytes? other) =>
        other is not null && _kinds.AsSpan().SequenceEqual(other._kinds) && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as PayloadBytes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (int i = 0; i < _kinds.Length; i++)
        {
            hash.Add(_kinds[i]);
            hash.Add(_bytes[i]);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(", ", Pairs().Select(p => $"{p.Key.Name}: {p.Value}")) + "}";

    private IEnumerable<KeyValuePair<PayloadKind, long>> Pairs()
    {
        for (int i = 0; i < _kinds.Length; i++)
        {
            yield return new(_kinds[i], _bytes[i]);
        }
    }

    private sealed class DisplayComparer : IComparer<PayloadKind>
    {
        public static DisplayComparer Instance { get; } = new();

        public int Compare(PayloadKind x, PayloadKind y)
        {
            int order = PayloadKind.Order(x).CompareTo(PayloadKind.Order(y));
            return order != 0 ? order : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}
