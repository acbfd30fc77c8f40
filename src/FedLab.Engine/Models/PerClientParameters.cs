using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// One module's parameters stacked per client, [clients, ...its own shape] (issue 16, batched full fine-tuning). While
/// they are registered on a module, the module applies client c's copy to client c's rows: a batch holds the clients'
/// rows client-major (clients × rows each), so the leading dimension splits into [clients, rows]. The module's own
/// parameters are then not used at all. <see cref="AdaptableLinear"/> honours the registration in its forward; a model
/// family honours it at its LayerNorm and embedding call sites (<see cref="LayerNorm"/>, <see cref="Lookup"/>,
/// <see cref="For"/>) and says so with <see cref="ITextBackbone.AppliesPerClientParameters"/>. A registration that no
/// forward pass applied (<see cref="Applied"/> still false) is a call site that ignores it: the trainer checks.
/// </summary>
public sealed class PerClientParameters
{
    // Keyed by module instance, weakly: a model that is disposed with a registration left behind does not leak.
    private static readonly ConditionalWeakTable<nn.Module, PerClientParameters> Registered = new();

    private PerClientParameters(int clients, Tensor weight, Tensor? bias)
    {
        Clients = clients;
        Weight = weight;
        Bias = bias;
    }

    public int Clients { get; }

    /// <summary>[clients, ...the module's weight shape].</summary>
    public Tensor Weight { get; }

    /// <summary>[clients, ...the module's bias shape], or null for a module without a bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>Whether a forward pass has looked these parameters up since they were registered.</summary>
    public bool Applied { get; private set; }

    /// <summary>Makes <paramref name="module"/> apply these stacked parameters until <see cref="Unregister"/>.</summary>
    public static PerClientParameters Register(nn.Module module, int clients, Tensor weight, Tensor? bias)
    {
        if (weight.shape[0] != clients || (bias is not null && bias.shape[0] != clients))
        {
            throw new ArgumentException($"per-client parameters must be stacked [{clients}, ...]", nameof(weight));
        }
        var parameters = new PerClientParameters(clients, weight, bias);
        if (Registered.TryGetValue(module, out _))
        {
            throw new InvalidOperationException($"{module.GetName()} already has per-client parameters");
        }
        Registered.Add(module, parameters);
        return parameters;
    }

    public static void Unregister(nn.Module module) => Registered.Remove(module);

    /// <summary>The module's per-client parameters while registered (marked applied), else null: use its own.</summary>
    public static PerClientParameters? For(nn.Module module)
    {
        if (!Registered.TryGetValue(module, out var parameters))
        {
            return null;
        }
        parameters.Applied = true;
        return parameters;
    }

    /// <summary><paramref name="module"/>'s forward, or its per-client form while registered.</summary>
    public static Tensor LayerNorm(LayerNorm module, Tensor input) =>
        For(module) is { } p ? p.Normalize(input, module.normalized_shape, module.eps) : module.forward(input);

    /// <summary><paramref name="module"/>'s lookup of per-row ids, or its per-client form while registered.</summary>
    public static Tensor Lookup(Embedding module, Tensor ids) => For(module) is { } p ? p.Gather(ids) : module.forward(ids);

    /// <summary>
    /// A linear layer per client: input [clients·rows…, in] as [clients, rows, in], times each client's weight
    /// [clients, out, in] transposed (one batched matmul), plus its bias [clients, 1, out]. <paramref name="computeType"/>: the layer's
    /// lower-precision matmul (as <see cref="AdaptableLinear"/>'s own: the bias added in the input's type after the cast).
    /// </summary>
    public Tensor Linear(Tensor input, ScalarType? computeType)
    {
        var shape = input.shape;
        using var grouped = input.reshape(Clients, -1, shape[^1]);
        Tensor product;
        if (computeType is ScalarType low)
        {
            using var x = grouped.to_type(low);
            using var w = Weight.to_type(low);
            using var wt = w.transpose(1, 2);
            using var y = x.bmm(wt);
            product = y.to_type(input.dtype);
            if (Bias is not null)
            {
                using var b = Bias.unsqueeze(1);
                product.add_(b);
            }
        }
        else
        {
            // bmm, then the bias: TorchSharp 0.107's Tensor.baddbmm passes its operands to libtorch in the wrong order.
            using var wt = Weight.transpose(1, 2);
            product = grouped.bmm(wt);
            if (Bias is not null)
            {
                using var b = Bias.unsqueeze(1);
                product.add_(b);
            }
        }
        using (product)
        {
            var outShape = shape.ToArray();
            outShape[^1] = Weight.shape[1];
            return product.reshape(outShape);
        }
    }

    /// <summary>
    /// Layer normalisation of each client's rows with its own weight and bias: the fused kernel once per client on its
    /// slice, so each client's numbers are bit for bit those of the module alone. (Normalising all rows at once without
    /// affine and then scaling per client rounds differently, and AdamW turns that rounding into steps of up to the
    /// learning rate in parameters whose gradient is zero by symmetry, such as the attention key biases: measured,
    /// 3e-3 relative after 10 steps on the tiny model.)
    /// </summary>
    public Tensor Normalize(Tensor input, long[] normalizedShape, double eps)
    {
        long rows = input.shape[0] / Clients;
        var parts = new Tensor[Clients];
        try
        {
            for (int c = 0; c < Clients; c++)
            {
                using var slice = input.narrow(0, c * rows, rows);
                using var w = Weight[c];
                using var b = Bias?[c];
                parts[c] = nn.functional.layer_norm(slice, normalizedShape, w, b, eps);
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts)
            {
                part?.Dispose();
            }
        }
    }

    /// <summary>
    /// Embedding rows of per-row ids [clients·rows, …]: the stacked tables [clients, vocabulary, width] read as one
    /// [clients·vocabulary, width] table, client c's ids offset by c·vocabulary.
    /// </summary>
    public Tensor Gather(Tensor ids)
    {
        long vocabulary = Weight.shape[1], width = Weight.shape[2];
        using var table = Weight.view(Clients * vocabulary, width);
        using var grouped = ids.view(Clients, -1);
        using var offsets = arange(0, Clients * vocabulary, vocabulary, dtype: ids.dtype, device: ids.device);
        using var column = offsets.unsqueeze(1);
        using var shifted = grouped + column;
        using var flat = shifted.view(-1);
        using var rows = table.index_select(0, flat);
        long[] shape = [.. ids.shape, width];
        return rows.view(shape);
    }
}
