using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>Where one tensor of a folder's safetensors lies: file, dtype, shape and absolute byte range.</summary>
public sealed record SafeTensorsEntry(string Name, string File, ScalarType DType, long[] Shape, long Offset, long Length);
