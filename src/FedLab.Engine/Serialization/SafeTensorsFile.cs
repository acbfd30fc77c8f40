using static TorchSharp.torch;

namespace FedLab.Engine.Serialization;

/// <summary>Tensors read from a safetensors payload, in file order, plus its metadata. Disposing frees the tensors.</summary>
public sealed class SafeTensorsFile(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata) : IDisposable
{
    public IReadOnlyList<KeyValuePair<string, Tensor>> Tensors { get; } = tensors;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    public Tensor this[string name] => Tensors.First(t => t.Key == name).Value;

    public void Dispose()
    {
        foreach (var (_, tensor) in Tensors)
        {
            tensor.Dispose();
        }
    }
}
