using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>Bytes in one direction, by payload kind (the lengths of the payloads the engine serialised).</summary>
public sealed record PayloadBytes(long Parameters, long Logits, long Activations, long ActivationGradients, long Labels)
{
    public static PayloadBytes Zero { get; } = new(0, 0, 0, 0, 0);

    public long Total => Parameters + Logits + Activations + ActivationGradients + Labels;

    public long this[PayloadKind kind] =>
        kind == PayloadKind.Parameters ? Parameters
        : kind == PayloadKind.Logits ? Logits
        : kind == PayloadKind.Activations ? Activations
        : kind == PayloadKind.ActivationGradients ? ActivationGradients
        : kind == PayloadKind.Labels ? Labels
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown payload kind");

    public static PayloadBytes From(IReadOnlyDictionary<PayloadKind, long> byKind) => new(
        byKind.GetValueOrDefault(PayloadKind.Parameters),
        byKind.GetValueOrDefault(PayloadKind.Logits),
        byKind.GetValueOrDefault(PayloadKind.Activations),
        byKind.GetValueOrDefault(PayloadKind.ActivationGradients),
        byKind.GetValueOrDefault(PayloadKind.Labels));

    /// <summary>Only the kinds that carried bytes.</summary>
    public IReadOnlyDictionary<PayloadKind, long> ToDictionary() =>
        PayloadKind.WellKnown.Where(k => this[k] != 0).ToDictionary(k => k, k => this[k]);
}
