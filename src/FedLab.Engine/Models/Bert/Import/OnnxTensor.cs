namespace FedLab.Engine.Models.Bert.Import;

/// <summary>A float32 initializer read from an ONNX graph: its name, shape and little-endian values.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Values);
