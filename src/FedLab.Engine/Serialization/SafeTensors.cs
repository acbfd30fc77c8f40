using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace FedLab.Engine.Serialization;

/// <summary>
/// The safetensors format (the one PEFT adapters use): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to dtype, shape and byte offsets, then the raw little-endian data. FedLab uses it
/// as the wire format of every payload, so the bytes counted are the bytes a real deployment would send.
/// </summary>
public static class SafeTensors
{
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = new List<(string Name, Tensor Tensor, string DType, int Bytes)>();
        long total = 0;
        foreach (var (name, tensor) in tensors)
        {
            var dtype = DTypeName(tensor.dtype);
            int size = checked((int)(tensor.numel() * tensor.ElementSize));
            entries.Add((name, tensor, dtype, size));
            total += size;
        }

        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor, dtype, size) in entries)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        // The spec pads the header with spaces so the data starts 8-byte aligned.
        int headerLength = (int)headerStream.Length;
        int padded = (headerLength + 7) / 8 * 8;
        var result = new byte[checked(8 + padded + total)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        headerStream.GetBuffer().AsSpan(0, headerLength).CopyTo(result.AsSpan(8));
        result.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        int position = 8 + padded;
        foreach (var (_, tensor, _, size) in entries)
        {
            // detach/cpu/contiguous may each make a new handle: free them all with the scope.
            using var scope = NewDisposeScope();
            tensor.detach().cpu().contiguous().bytes.CopyTo(result.AsSpan(position, size));
            position += size;
        }
        return result;
    }

    /// <summary>Reads every tensor; the caller owns (and disposes) the returned tensors.</summary>
    public static SafeTensorsFile Deserialize(ReadOnlySpan<byte> data, Device? device = null)
    {
        if (data.Length < 8)
        {
            throw new InvalidDataException("safetensors payload is shorter than its 8-byte header length");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8))
        {
            throw new InvalidDataException($"safetensors header length {headerLength} exceeds the payload ({data.Length} bytes)");
        }
        var header = JsonDocument.Parse(data.Slice(8, (int)headerLength).ToArray());
        var body = data[(8 + (int)headerLength)..];
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in header.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var m in property.Value.EnumerateObject())
                {
                    metadata[m.Name] = m.Value.GetString() ?? "";
                }
                continue;
            }
            var dtype = ParseDType(property.Value.GetProperty("dtype").GetString());
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > body.Length || offsets[1] < offsets[0])
            {
                throw new InvalidDataException($"tensor '{property.Name}' has invalid data offsets");
            }
            var tensor = empty(shape, dtype);
            int expected = checked((int)(tensor.numel() * tensor.ElementSize));
            if (expected != offsets[1] - offsets[0])
            {
                tensor.Dispose();
                throw new InvalidDataException($"tensor '{property.Name}' has {offsets[1] - offsets[0]} bytes, its shape needs {expected}");
            }
            body.Slice((int)offsets[0], expected).CopyTo(tensor.bytes);
            if (device is not null && device.type != TorchSharp.DeviceType.CPU)
            {
                var moved = tensor.to(device);
                tensor.Dispose();
                tensor = moved;
            }
            tensors.Add(new(property.Name, tensor));
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {type} has no safetensors name"),
    };

    private static ScalarType ParseDType(string? name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported safetensors dtype '{name}'"),
    };

    internal static string Describe(byte[] payload) => Encoding.UTF8.GetString(payload, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(payload));
}
