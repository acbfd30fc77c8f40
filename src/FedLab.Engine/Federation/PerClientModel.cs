using FedLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// Batched full fine-tuning (issue 16): a group's stacked parameters [clients, ...] registered as
/// <see cref="PerClientParameters"/> on every module of the model that owns trainable parameters (linear layers,
/// LayerNorms, embeddings), so that one forward pass over the clients' concatenated batches applies each client's
/// weights to its own rows. The head (<c>head.dense</c>) is left to the trainer, which applies it per client itself.
/// Every trainable tensor must be covered, and every registration must be applied by the first forward pass
/// (<see cref="CheckApplied"/>): a module the family computes without looking its per-client parameters up would
/// otherwise silently train one shared copy. Dispose unregisters everything.
/// </summary>
internal sealed class PerClientModel : IDisposable
{
    private const string HeadPrefix = "head.";
    private readonly List<(string Path, nn.Module Module, PerClientParameters Parameters)> _registered = [];

    private PerClientModel()
    {
    }

    /// <param name="stacked">Every trainable tensor by its name, stacked [clients, ...].</param>
    public static PerClientModel Register(SequenceClassifier model, IReadOnlyDictionary<string, Parameter> stacked, int clients)
    {
        var binding = new PerClientModel();
        try
        {
            var covered = new HashSet<string>(stacked.Keys.Where(n => n.StartsWith(HeadPrefix, StringComparison.Ordinal)), StringComparer.Ordinal);
            var seen = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
            foreach (var (path, module) in model.named_modules())
            {
                string weightName = path + ".weight";
                // A module registered under two paths counts under the one its trainable names use; the head is the trainer's.
                if (!stacked.TryGetValue(weightName, out var weight) || covered.Contains(weightName) || !seen.Add(module))
                {
                    continue;
                }
                if (module is not (AdaptableLinear or LayerNorm or Embedding))
                {
                    throw new InvalidOperationException($"batched full fine-tuning cannot apply per-client parameters to {path} ({module.GetType().Name})");
                }
                string biasName = path + ".bias";
                stacked.TryGetValue(biasName, out var bias);
                binding._registered.Add((path, module, PerClientParameters.Register(module, clients, weight, bias)));
                covered.Add(weightName);
                if (bias is not null)
                {
                    covered.Add(biasName);
                }
            }
            var missing = stacked.Keys.Where(n => !covered.Contains(n)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"batched full fine-tuning found no per-client module for {string.Join(", ", missing.Take(5))}");
            }
            return binding;
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }

    /// <summary>After the first forward pass: throws if a registered module was computed with its own parameters.</summary>
    public void CheckApplied()
    {
        var ignored = _registered.Where(r => !r.Parameters.Applied).Select(r => r.Path).ToList();
        if (ignored.Count > 0)
        {
            throw new InvalidOperationException($"batched full fine-tuning: the forward pass did not apply per-client parameters to {string.Join(", ", ignored.Take(5))}");
        }
    }

    public void Dispose()
    {
        foreach (var (_, module, _) in _registered)
        {
            PerClientParameters.Unregister(module);
        }
        _registered.Clear();
    }
}
