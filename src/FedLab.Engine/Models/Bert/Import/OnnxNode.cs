namespace FedLab.Engine.Models.Bert.Import;

/// <summary>One node of an ONNX graph: its operator type and the names of its inputs and outputs.</summary>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
