using FedLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// The one way a batched group applies its clients' LoRA adapters (issue 16): a layer's input holds the clients' rows
/// block after block; each block goes through its own client's adapter, stacked [clients, r, in] and [clients, out, r],
/// as two batched matmuls. Used as <see cref="AdaptableLinear.AdapterOverride"/> by batched FedLLM and KD training,
/// KD's batched forward passes and SplitFed's batched client half.
/// </summary>
internal static class StackedLora
{
    /// <param name="a">The layer's lora_A, stacked [clients, r, in].</param>
    /// <param name="b">The layer's lora_B, stacked [clients, out, r].</param>
    /// <param name="model">Whose training flag turns the adapter dropout on.</param>
    public static Func<Tensor, Tensor> Override(Tensor a, Tensor b, int clients, double scaling, double dropout, nn.Module model) => x =>
    {
        var shape = x.shape;
        using var dropped = dropout > 0 ? nn.functional.dropout(x, dropout, model.training) : x.alias();
        using var grouped = dropped.reshape(clients, -1, shape[^1]);
        using var down = grouped.bmm(a.transpose(1, 2)); // [clients, rows, r]
        using var up = down.bmm(b.transpose(1, 2));      // [clients, rows, out]
        var outShape = shape.ToArray();
        outShape[^1] = up.shape[^1];
        using var flat = up.reshape(outShape);
        return flat.mul(scaling);
    };
}
