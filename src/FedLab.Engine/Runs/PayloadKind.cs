using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedLab.Engine.Runs;

/// <summary>
/// What a payload carries (parameters, logits, activations, ...). An open set of names, not an enum: a new kind
/// (masks, key shares, noise metadata) is a new value, and storage, queries, exports, charts and the hub follow it
/// without a schema change. The name is what every output shows (camelCase).
/// </summary>
[JsonConverter(typeof(PayloadKindJsonConverter))]
public readonly record struct PayloadKind : IComparable<PayloadKind>
{
    public PayloadKind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    public static PayloadKind Parameters { get; } = new("parameters");
    public static PayloadKind Logits { get; } = new("logits");
    public static PayloadKind Activations { get; } = new("activations");
    public static PayloadKind ActivationGradients { get; } = new("activationGradients");
    public static PayloadKind Labels { get; } = new("labels");

    /// <summary>The kinds the built-in frameworks produce, in display order; others sort after them by name.</summary>
    public static IReadOnlyList<PayloadKind> WellKnown { get; } = [Parameters, Logits, Activations, ActivationGradients, Labels];

    /// <summary>Display order: the well-known kinds first, then any other by name.</summary>
    public static int Order(PayloadKind kind)
    {
        for (int i = 0; i < WellKnown.Count; i++)
        {
            if (WellKnown[i] == kind)
            {
                return i;
            }
        }
        return WellKnown.Count;
    }

    /// <summary>Display order: <see cref="Order"/>, then by name.</summary>
    public int CompareTo(PayloadKind other)
    {
        int byOrder = Order(this).CompareTo(Order(other));
        return byOrder != 0 ? byOrder : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Name ?? "";
}

/// <summary>Writes a <see cref="PayloadKind"/> as its name, as a value and as a dictionary key.</summary>
public sealed class PayloadKindJsonConverter : JsonConverter<PayloadKind>
{
    public override PayloadKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("a payload kind is a non-empty string"));

    public override void Write(Utf8JsonWriter writer, PayloadKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);

    public override PayloadKind ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("a payload kind is a non-empty string"));

    public override void WriteAsPropertyName(Utf8JsonWriter writer, PayloadKind value, JsonSerializerOptions options) => writer.WritePropertyName(value.Name);
}
