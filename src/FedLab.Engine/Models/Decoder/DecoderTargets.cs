namespace FedLab.Engine.Models.Decoder;

/// <summary>PEFT's LoRA target names of Llama-style blocks and their dense cost.</summary>
public static class DecoderTargets
{
    public static IReadOnlyList<string> All { get; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>
    /// Per token: q and o (H × heads·d each), k and v (H × kvHeads·d each), and the gate, up and down
    /// projections (H × I each).
    /// </summary>
    public static double GatedBlockMacs(TransformerShape shape)
    {
        double h = shape.HiddenSize, q = shape.Heads * (double)shape.HeadDim, kv = shape.KeyValueHeads * (double)shape.HeadDim;
        return 2 * h * q + 2 * h * kv + 3 * h * shape.IntermediateSize;
    }
}
