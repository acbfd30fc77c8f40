namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// How a family's module parameter names map to checkpoint tensor names: candidate names in order (Llama:
/// "model." + name; GPT-2: "transformer." + name or the bare name) and whether the checkpoint stores the matrix
/// transposed (GPT-2's Conv1D keeps [in, out]).
/// </summary>
public sealed record CheckpointNames(Func<string, IReadOnlyList<string>> Candidates, Func<string, bool> Transposed);
