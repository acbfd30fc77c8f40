using FedLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// A group's stacked trainable tensors [clients, ...] bound to a model for batched forward passes over the clients'
/// concatenated rows (client c's rows are the c-th block of the batch): each client's LoRA adapter through
/// <see cref="AdaptableLinear.AdapterOverride"/>, or (full fine-tuning) each client's weights through
/// <see cref="PerClientModel"/>, and each client's head as a batched matmul. The same binding as
/// <see cref="BatchedClientTrainer"/>'s, for work that is not local training on the client's data: KD's public-set
/// log-probabilities and its distillation (issue 16). Requires <see cref="BatchedClientTrainer.Supports(RunEnvironment, SequenceClassifier)"/>.
/// Dispose unbinds the model.
/// </summary>
internal sealed class PerClientForward : IDisposable
{
    private readonly SequenceClassifier _model;
    private readonly int _clients;
    private readonly Tensor _headWeight;
    private readonly Tensor _headBias;
    private readonly List<AdaptableLinear> _linears = [];
    private PerClientModel? _perClientModel;
    private bool _checked;

    /// <param name="stacked">Every trainable tensor of <paramref name="model"/> by its name, stacked [clients, ...].</param>
    public PerClientForward(RunEnvironment env, SequenceClassifier model, IReadOnlyDictionary<string, Parameter> stacked, int clients)
    {
        _model = model;
        _clients = clients;
        _headWeight = stacked["head.dense.weight"];
        _headBias = stacked["head.dense.bias"];
        try
        {
            if (env.Mode == FineTuneMode.Full)
            {
                _perClientModel = PerClientModel.Register(model, stacked, clients);
                return;
            }
            double scaling = env.Lora!.Scaling;
            double dropout = env.Lora.Dropout;
            var seen = new HashSet<AdaptableLinear>(ReferenceEqualityComparer.Instance);
            foreach (var (path, module) in model.named_modules())
            {
                if (module is not AdaptableLinear { HasAdapter: true } linear || !stacked.TryGetValue(path + ".lora_A.weight", out var a) || !seen.Add(linear))
                {
                    continue;
                }
                var b = stacked[path + ".lora_B.weight"];
                _linears.Add(linear);
                linear.AdapterOverride = StackedLora.Override(a, b, clients, scaling, dropout, model);
            }
            if (_linears.Count * 2 + 2 != stacked.Count)
            {
                throw new InvalidOperationException($"batched forward found {_linears.Count} adapted layers for {stacked.Count} trainable tensors");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Logits [clients, rows per client, classes] of each client's model on its own block of the batch.</summary>
    public Tensor Logits(Tensor inputIds, Tensor attentionMask)
    {
        var hidden = _model.Encode(inputIds, attentionMask);
        var pooled = _model.Backbone.Pooling == SequencePooling.LastToken
            ? ClassificationHead.LastTokenPool(hidden, attentionMask)
            : ClassificationHead.MeanPool(hidden, attentionMask);
        if (!_checked)
        {
            _perClientModel?.CheckApplied();
            _checked = true;
        }
        return pooled.view(_clients, pooled.shape[0] / _clients, -1).bmm(_headWeight.transpose(1, 2)) + _headBias.unsqueeze(1);
    }

    public void Dispose()
    {
        _perClientModel?.Dispose();
        _perClientModel = null;
        foreach (var linear in _linears)
        {
            linear.AdapterOverride = null;
        }
        _linears.Clear();
    }
}
