using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.FedLlm;

/// <summary>
/// Applies the averaged client update to the global state. With Δ = average − global:
/// none (FedAvg): global ← average;
/// FedAvgM: v ← β·v + Δ, global ← global + η·v;
/// FedAdam (Reddi et al., 2021): m ← β1·m + (1−β1)·Δ, v ← β2·v + (1−β2)·Δ², global ← global + η·m / (√v + τ).
/// </summary>
public sealed class ServerOptimizer(FedLlmOptions options) : IDisposable
{
    /// <summary>
    /// FLOPs per trainable value of applying the averaged update (the server's FLOP count): a copy for FedAvg, momentum
    /// for FedAvgM, Adam's moments, bias correction and step for FedAdam (about 10).
    /// </summary>
    public double FlopsPerValue => options.ServerOptimizer switch
    {
        ServerOptimizerKind.None => 1,
        ServerOptimizerKind.AvgM => 3,
        _ => 10,
    };

    private TrainableState? _m;
    private TrainableState? _v;

    public void Apply(TrainableState global, TrainableState average)
    {
        using var _ = no_grad();
        if (options.ServerOptimizer == ServerOptimizerKind.None)
        {
            for (int i = 0; i < global.Tensors.Count; i++)
            {
                global.Tensors[i].Value.copy_(average.Tensors[i].Value);
            }
            return;
        }
        _m ??= TrainableState.ZerosLike(global);
        if (options.ServerOptimizer == ServerOptimizerKind.Adam)
        {
            _v ??= TrainableState.ZerosLike(global);
        }
        for (int i = 0; i < global.Tensors.Count; i++)
        {
            using var scope = NewDisposeScope();
            var g = global.Tensors[i].Value;
            var delta = average.Tensors[i].Value - g;
            var m = _m.Tensors[i].Value;
            if (options.ServerOptimizer == ServerOptimizerKind.AvgM)
            {
                m.mul_(options.ServerMomentum).add_(delta);
                g.add_(m, options.ServerLearningRate);
            }
            else
            {
                var v = _v!.Tensors[i].Value;
                m.mul_(options.ServerMomentum).add_(delta, 1 - options.ServerMomentum);
                v.mul_(options.ServerBeta2).addcmul_(delta, delta, 1 - options.ServerBeta2);
                g.addcdiv_(m, v.sqrt().add_(options.ServerEpsilon), options.ServerLearningRate);
            }
        }
    }

    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState()
    {
        var m = _m is null ? [] : CheckpointNames.Prefix("server.m.", _m.Tensors);
        var v = _v is null ? [] : CheckpointNames.Prefix("server.v.", _v.Tensors);
        return m.Concat(v);
    }

    public void RestoreState(TrainableState shape, SafeTensorsFile state)
    {
        if (state.Tensors.Any(t => t.Key.StartsWith("server.m.", StringComparison.Ordinal)))
        {
            _m ??= TrainableState.ZerosLike(shape);
            CheckpointNames.CopyInto("server.m.", _m.Tensors, state);
        }
        if (state.Tensors.Any(t => t.Key.StartsWith("server.v.", StringComparison.Ordinal)))
        {
            _v ??= TrainableState.ZerosLike(shape);
            CheckpointNames.CopyInto("server.v.", _v.Tensors, state);
        }
    }

    public void Dispose()
    {
        _m?.Dispose();
        _v?.Dispose();
    }
}
