using Google.Protobuf;

namespace FedLab.Engine.Models.Bert.Import;

/// <summary>
/// The parts of an ONNX model FedLab needs: the float32 initializers and the node list.
/// Read with the protobuf wire reader directly (no generated classes): ModelProto field 7 = graph;
/// GraphProto field 1 = node, 5 = initializer; NodeProto 1 = input, 2 = output, 4 = op_type;
/// TensorProto 1 = dims, 2 = data_type, 4 = float_data, 8 = name, 9 = raw_data.
/// </summary>
public sealed class OnnxGraph
{
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }

    private OnnxGraph(Dictionary<string, OnnxTensor> initializers, List<OnnxNode> nodes)
    {
        Initializers = initializers;
        Nodes = nodes;
    }

    public static OnnxGraph Parse(byte[] model)
    {
        var input = new CodedInputStream(model);
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 7 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                ParseGraph(input.ReadBytes(), initializers, nodes);
            }
            else
            {
                input.SkipLastField();
            }
        }
        if (initializers.Count == 0)
        {
            throw new InvalidDataException("ONNX model has no graph initializers");
        }
        return new OnnxGraph(initializers, nodes);
    }

    private static void ParseGraph(ByteString graph, Dictionary<string, OnnxTensor> initializers, List<OnnxNode> nodes)
    {
        var input = graph.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    nodes.Add(ParseNode(input.ReadBytes()));
                    break;
                case 5:
                    var tensor = ParseTensor(input.ReadBytes());
                    if (tensor is not null)
                    {
                        initializers[tensor.Name] = tensor;
                    }
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    private static OnnxNode ParseNode(ByteString node)
    {
        var input = node.CreateCodedInput();
        var inputs = new List<string>();
        var outputs = new List<string>();
        string op = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: inputs.Add(input.ReadString()); break;
                case 2: outputs.Add(input.ReadString()); break;
                case 4: op = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxNode(op, inputs, outputs);
    }

    private static OnnxTensor? ParseTensor(ByteString tensor)
    {
        var input = tensor.CreateCodedInput();
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            var wire = WireFormat.GetTagWireType(tag);
            switch (field)
            {
                case 1 when wire == WireFormat.WireType.LengthDelimited:
                    var packed = input.ReadBytes().CreateCodedInput();
                    while (!packed.IsAtEnd) dims.Add(packed.ReadInt64());
                    break;
                case 1: dims.Add(input.ReadInt64()); break;
                case 2: dataType = input.ReadInt32(); break;
                case 4 when wire == WireFormat.WireType.LengthDelimited:
                    var packedFloats = input.ReadBytes().CreateCodedInput();
                    while (!packedFloats.IsAtEnd) floats.Add(packedFloats.ReadFloat());
                    break;
                case 4: floats.Add(input.ReadFloat()); break;
                case 8: name = input.ReadString(); break;
                case 9: raw = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }
        if (dataType != 1)
        {
            return null; // only float32 weights matter; int64 shape constants are skipped
        }
        float[] values;
        if (raw is not null)
        {
            values = new float[raw.Length / 4];
            Buffer.BlockCopy(raw, 0, values, 0, values.Length * 4);
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported");
            }
        }
        else
        {
            values = floats.ToArray();
        }
        return new OnnxTensor(name, dims.ToArray(), values);
    }
}
