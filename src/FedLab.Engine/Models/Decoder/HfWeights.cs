using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// The tensors of a Hugging Face folder (<c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> names), read from their headers only. <see cref="Read"/> loads one tensor at a
/// time straight from its file, so loading a model needs its size plus its largest tensor, not twice its size.
/// </summary>
public sealed class HfWeights
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private readonly Dictionary<string, SafeTensorsEntry> _entries;

    private HfWeights(string folder, string description, Dictionary<string, SafeTensorsEntry> entries)
    {
        Folder = folder;
        Description = description;
        _entries = entries;
    }

    public string Folder { get; }

    /// <summary>"model.safetensors" or "model.safetensors.index.json (3 shards)", for messages.</summary>
    public string Description { get; }

    public IReadOnlyCollection<SafeTensorsEntry> Entries => _entries.Values;

    public bool Contains(string name) => _entries.ContainsKey(name);

    public SafeTensorsEntry? Find(string name) => _entries.GetValueOrDefault(name);

    public static HfWeights Open(string folder)
    {
        var index = Path.Combine(folder, IndexFile);
        var single = Path.Combine(folder, SingleFile);
        var entries = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        if (File.Exists(index))
        {
            var shards = ReadIndex(index);
            foreach (var shard in shards.Values.Distinct(StringComparer.Ordinal))
            {
                var file = Path.Combine(folder, shard);
                if (!File.Exists(file))
                {
                    throw new FileNotFoundException($"{IndexFile} names the shard '{shard}', which is not in {folder}", file);
                }
                ReadHeader(file, entries);
            }
            foreach (var (name, shard) in shards)
            {
                if (!entries.TryGetValue(name, out var entry) || !string.Equals(Path.GetFileName(entry.File), shard, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{IndexFile} puts tensor '{name}' in '{shard}', which does not hold it");
                }
            }
            return new HfWeights(folder, $"{IndexFile} ({shards.Values.Distinct(StringComparer.Ordinal).Count()} shards)", entries);
        }
        if (File.Exists(single))
        {
            ReadHeader(single, entries);
            return new HfWeights(folder, SingleFile, entries);
        }
        throw new FileNotFoundException($"{folder} has neither {SingleFile} nor {IndexFile} (only safetensors weights are read; convert a pytorch_model.bin first)", single);
    }

    /// <summary>One tensor in its stored dtype, on the CPU; the caller disposes it.</summary>
    public Tensor Read(SafeTensorsEntry entry)
    {
        var result = empty(entry.Shape, entry.DType);
        try
        {
            using var handle = File.OpenHandle(entry.File, FileMode.Open, FileAccess.Read, FileShare.Read);
            var target = result.bytes;
            long done = 0;
            while (done < entry.Length)
            {
                int chunk = (int)Math.Min(int.MaxValue, entry.Length - done);
                int read = RandomAccess.Read(handle, target.Slice((int)done, chunk), entry.Offset + done);
                if (read <= 0)
                {
                    throw new InvalidDataException($"{Path.GetFileName(entry.File)} ends inside tensor '{entry.Name}'");
                }
                done += read;
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadIndex(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(ConfigReader.JsonBytes(path));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} has no 'weight_map' object");
            }
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                result[p.Name] = p.Value.GetString() ?? throw new InvalidDataException($"{path}: weight_map['{p.Name}'] must be a file name");
            }
            return result;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}");
        }
    }

    private static void ReadHeader(string file, Dictionary<string, SafeTensorsEntry> entries)
    {
        using var stream = File.OpenRead(file);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) != 8)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} is shorter than a safetensors header");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > 100_000_000 || (long)headerLength > stream.Length - 8)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)}: safetensors header length {headerLength} does not fit the file");
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = stream.Length - dataStart;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)}: the safetensors header is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }
                var name = property.Name;
                var dtype = ParseDType(property.Value.GetProperty("dtype").GetString(), name, file);
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long elements = shape.Aggregate(1L, (x, y) => x * y);
                long expected = elements * ElementSize(dtype);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != expected)
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: tensor '{name}' has data offsets that do not match its shape and dtype");
                }
                if (!entries.TryAdd(name, new SafeTensorsEntry(name, file, dtype, shape, dataStart + offsets[0], expected)))
                {
                    throw new InvalidDataException($"tensor '{name}' appears in two files ({Path.GetFileName(entries[name].File)} and {Path.GetFileName(file)})");
                }
            }
        }
    }

    private static ScalarType ParseDType(string? name, string tensor, string file) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "BOOL" => ScalarType.Bool,
        "U8" => ScalarType.Byte,
        _ => throw new InvalidDataException($"{Path.GetFileName(file)}: tensor '{tensor}' has dtype '{name}', which FedLab does not read"),
    };

    private static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        _ => 1,
    };
}
