using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>A trainable state as one flat float32 vector and back (robust rules, clipping, masking work on vectors).</summary>
public static class StateVector
{
    public static Tensor Flatten(TrainableState state)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return cat(state.Tensors.Select(t => t.Value.reshape(-1).to_type(ScalarType.Float32)).ToList(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>A state shaped like <paramref name="like"/> holding <paramref name="vector"/>'s values.</summary>
    public static TrainableState Unflatten(Tensor vector, TrainableState like)
    {
        using var _ = no_grad();
        var tensors = new List<KeyValuePair<string, Tensor>>(like.Tensors.Count);
        long offset = 0;
        foreach (var (name, t) in like.Tensors)
        {
            long n = t.numel();
            using var slice = vector.narrow(0, offset, n);
            tensors.Add(new(name, slice.reshape(t.shape).to_type(t.dtype).clone().DetachFromDisposeScope()));
            offset += n;
        }
        return TrainableState.FromTensors(tensors);
    }
}
