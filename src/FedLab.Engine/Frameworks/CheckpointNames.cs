using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks;

/// <summary>Naming helpers for checkpoint tensors: each part of a framework's state lives under a prefix.</summary>
public static class CheckpointNames
{
    public static IEnumerable<KeyValuePair<string, Tensor>> Prefix(string prefix, IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        tensors.Select(t => new KeyValuePair<string, Tensor>(prefix + t.Key, t.Value));

    /// <summary>Copies <c>prefix + name</c> from the checkpoint into each target tensor; a missing name is an error.</summary>
    public static void CopyInto(string prefix, IEnumerable<KeyValuePair<string, Tensor>> targets, SafeTensorsFile state)
    {
        using var _ = no_grad();
        foreach (var (name, target) in targets)
        {
            var key = prefix + name;
            var source = state.Tensors.FirstOrDefault(t => t.Key == key).Value
                ?? throw new InvalidDataException($"checkpoint has no tensor '{key}'");
            target.copy_(source);
        }
    }
}
