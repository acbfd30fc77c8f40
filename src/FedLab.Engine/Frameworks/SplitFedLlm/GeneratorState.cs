using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>Torch's default CPU generator state as bytes, to continue one dropout stream across processes.</summary>
internal static class GeneratorState
{
    public static byte[] Get()
    {
        using var state = random.get_rng_state();
        return state.bytes.ToArray();
    }

    public static void Set(byte[] bytes)
    {
        using var state = tensor(bytes, ScalarType.Byte);
        random.set_rng_state(state);
    }
}
