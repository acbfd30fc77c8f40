using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// The trainable part of a model (LoRA adapters + head, or all weights) as named tensors, detached from
/// autograd. This is all a simulated client holds; the frozen base stays in the one shared model.
/// </summary>
public sealed class TrainableState : IDisposable
{
    private TrainableState(IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        Tensors = tensors;
    }

    public IReadOnlyList<KeyValuePair<string, Tensor>> Tensors { get; }

    public long ElementCount => Tensors.Sum(t => t.Value.numel());

    public static TrainableState Capture(IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var copies = parameters.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter.detach().clone().DetachFromDisposeScope())).ToList();
        return new TrainableState(copies);
    }

    /// <summary>A state that takes ownership of <paramref name="tensors"/> (detached from any dispose scope).</summary>
    public static TrainableState FromTensors(IReadOnlyList<KeyValuePair<string, Tensor>> tensors) => new(tensors);

    public static TrainableState ZerosLike(TrainableState other) =>
        new(other.Tensors.Select(t => new KeyValuePair<string, Tensor>(t.Key, zeros_like(t.Value).DetachFromDisposeScope())).ToList());

    public static TrainableState Deserialize(Payload payload, Device device)
    {
        var file = SafeTensors.Deserialize(payload.Bytes, device);
        foreach (var (_, t) in file.Tensors)
        {
            t.DetachFromDisposeScope();
        }
        return new TrainableState(file.Tensors);
    }

    public Payload Serialize() => Serialize(PayloadKind.Parameters);

    public Payload Serialize(PayloadKind kind) => new(kind, SafeTensors.Serialize(Tensors));

    /// <summary>Copies these values into the model's parameters (same names, same order).</summary>
    public void LoadInto(IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        if (parameters.Count != Tensors.Count)
        {
            throw new InvalidOperationException($"state has {Tensors.Count} tensors, the model {parameters.Count} trainable parameters");
        }
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Name != Tensors[i].Key)
            {
                throw new InvalidOperationException($"state tensor '{Tensors[i].Key}' does not match parameter '{parameters[i].Name}'");
            }
            parameters[i].Parameter.copy_(Tensors[i].Value);
        }
    }

    /// <summary>this += weight * other, in place (the running weighted sum of FedAvg).</summary>
    public void AddScaled(TrainableState other, double weight)
    {
        using var _ = no_grad();
        for (int i = 0; i < Tensors.Count; i++)
        {
            Tensors[i].Value.add_(other.Tensors[i].Value, weight);
        }
    }

    public void Scale(double factor)
    {
        using var _ = no_grad();
        foreach (var (_, t) in Tensors)
        {
            t.mul_(factor);
        }
    }

    public TrainableState Clone()
    {
        using var _ = no_grad();
        return new TrainableState(Tensors.Select(t => new KeyValuePair<string, Tensor>(t.Key, t.Value.clone().DetachFromDisposeScope())).ToList());
    }

    public void Dispose()
    {
        foreach (var (_, t) in Tensors)
        {
            t.Dispose();
        }
    }
}
