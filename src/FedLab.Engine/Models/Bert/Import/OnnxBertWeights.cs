namespace FedLab.Engine.Models.Bert.Import;

/// <summary>
/// Maps an exported BERT ONNX graph to Hugging Face parameter names. Embeddings, LayerNorm and biases keep
/// their names as initializers; the linear weights are anonymous MatMul inputs stored [in, out]. Each is named
/// after the Add node that adds "&lt;prefix&gt;.bias" to that MatMul's output, and transposed to Linear's [out, in].
/// </summary>
public static class OnnxBertWeights
{
    public static Dictionary<string, OnnxTensor> Extract(OnnxGraph graph)
    {
        var named = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in graph.Initializers)
        {
            if (name.Contains('.', StringComparison.Ordinal))
            {
                named[name] = tensor;
            }
        }
        var producedBy = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (var output in node.Outputs)
            {
                producedBy[output] = node;
            }
        }
        foreach (var add in graph.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Count == 2))
        {
            var biasName = add.Inputs.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && graph.Initializers.ContainsKey(i));
            var other = add.Inputs.FirstOrDefault(i => i != biasName);
            if (biasName is null || other is null || !producedBy.TryGetValue(other, out var matmul) || matmul.OpType != "MatMul")
            {
                continue;
            }
            var weightInput = matmul.Inputs.FirstOrDefault(i => graph.Initializers.ContainsKey(i));
            if (weightInput is null)
            {
                continue;
            }
            var stored = graph.Initializers[weightInput];
            if (stored.Dims.Length != 2)
            {
                continue;
            }
            var weightName = biasName[..^".bias".Length] + ".weight";
            named[weightName] = Transpose(weightName, stored);
        }
        return named;
    }

    private static OnnxTensor Transpose(string name, OnnxTensor t)
    {
        int rows = (int)t.Dims[0], cols = (int)t.Dims[1];
        var values = new float[t.Values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                values[c * rows + r] = t.Values[r * cols + c];
            }
        }
        return new OnnxTensor(name, [cols, rows], values);
    }
}
