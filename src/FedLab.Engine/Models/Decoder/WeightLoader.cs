using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// Copies a folder's tensors into a module's parameters one at a time (read, convert to the parameter's dtype and
/// device, free), so peak memory is the model plus its largest tensor. Every parameter must be found with the
/// expected shape; errors name the tensor and the file.
/// </summary>
public static class WeightLoader
{
    public static void Load(nn.Module module, HfWeights weights, CheckpointNames names)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.Contains(".lora_", StringComparison.Ordinal))
            {
                continue;
            }
            var candidates = names.Candidates(name);
            var entry = candidates.Select(weights.Find).FirstOrDefault(e => e is not null)
                ?? throw new InvalidDataException($"the folder's weights ({weights.Description}) have no tensor '{candidates[0]}' (needed for {name})");
            bool transposed = names.Transposed(name);
            var expected = transposed ? parameter.shape.Reverse().ToArray() : parameter.shape;
            if (!entry.Shape.SequenceEqual(expected))
            {
                throw new InvalidDataException(
                    $"tensor '{entry.Name}' in {Path.GetFileName(entry.File)} has shape [{string.Join(", ", entry.Shape)}], the config implies [{string.Join(", ", expected)}]");
            }
            using var stored = weights.Read(entry);
            if (transposed)
            {
                using var t = stored.t();
                parameter.copy_(t);
            }
            else
            {
                parameter.copy_(stored); // converts bf16/fp16 to the parameter's dtype and moves it to its device
            }
        }
    }
}
