using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>What <c>model inspect</c> reports of a Hugging Face folder, checked against the family's module without reading any weight.</summary>
public sealed record DecoderInspection(
    string Folder, string Family, string Architecture, DecoderConfig Config, long Parameters, IReadOnlyList<string> StoredDTypes, string Weights)
{
    /// <summary>
    /// Reads the config and the safetensors headers, builds the family's module on the meta device (no memory), and
    /// checks every parameter has a tensor of the right shape; errors name the tensor.
    /// </summary>
    public static DecoderInspection Of(string folder)
    {
        var config = HfFolder.ReadConfig(folder);
        var family = HfFolder.FamilyOf(config);
        var weights = HfWeights.Open(folder);
        var module = (nn.Module)family.CreateModule(config, 0, new Device(DeviceType.META), withLanguageModelHead: true);
        long parameters = 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                var candidates = family.Names.Candidates(name);
                var entry = candidates.Select(weights.Find).FirstOrDefault(e => e is not null)
                    ?? throw new InvalidDataException($"the folder's weights ({weights.Description}) have no tensor '{candidates[0]}' (needed for {name})");
                var expected = family.Names.Transposed(name) ? parameter.shape.Reverse().ToArray() : parameter.shape;
                if (!entry.Shape.SequenceEqual(expected))
                {
                    throw new InvalidDataException(
                        $"tensor '{entry.Name}' in {Path.GetFileName(entry.File)} has shape [{string.Join(", ", entry.Shape)}], the config implies [{string.Join(", ", expected)}]");
                }
                parameters += parameter.numel();
                used.Add(entry.Name);
            }
        }
        finally
        {
            module.Dispose();
        }
        var dtypes = weights.Entries.Where(e => used.Contains(e.Name)).Select(e => e.DType.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new DecoderInspection(Path.GetFullPath(folder), family.Name, config.Architecture, config, parameters, dtypes, weights.Description);
    }
}
