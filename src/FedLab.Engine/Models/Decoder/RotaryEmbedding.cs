using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// Rotary position embedding in the Hugging Face layout (rotate_half over the two halves of each head), with the
/// config's theta and scaling. Positions are 0..T-1 of the (right-padded) batch, recomputed wherever blocks run,
/// so the two sides of a split need nothing but the hidden states.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;

    public RotaryEmbedding(DecoderConfig config)
    {
        _inverseFrequencies = InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling);
    }

    public IReadOnlyList<float> InverseFrequenciesOf => _inverseFrequencies;

    /// <summary>cos and sin [tokens, headDim] for positions 0..tokens-1, in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public (Tensor Cos, Tensor Sin) Angles(long tokens, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var inv = tensor(_inverseFrequencies, device: device);
        var positions = arange(tokens, dtype: ScalarType.Float32, device: device);
        var freqs = outer(positions, inv);
        var emb = cat([freqs, freqs], -1);
        var cos = emb.cos().to_type(dtype);
        var sin = emb.sin().to_type(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>x * cos + rotate_half(x) * sin for x [batch, heads, tokens, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([x2.neg(), x1], -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }

    /// <summary>inv_freq as transformers' rope initialisers compute it (default, linear, llama3).</summary>
    public static float[] InverseFrequencies(int headDim, double theta, RopeScaling scaling)
    {
        var result = new float[headDim / 2];
        for (int i = 0; i < result.Length; i++)
        {
            // transformers computes base ** (arange(0, dim, 2).float() / dim) in float32.
            float exponent = (float)(2 * i) / headDim;
            float inv = 1.0f / MathF.Pow((float)theta, exponent);
            result[i] = scaling.Type switch
            {
                RopeScaling.Linear => (float)(inv / scaling.Factor),
                RopeScaling.Llama3 => Llama3(inv, scaling),
                _ => inv,
            };
        }
        return result;
    }

    private static float Llama3(float inv, RopeScaling s)
    {
        double lowWavelength = s.OriginalMaxPositions / s.LowFreqFactor;
        double highWavelength = s.OriginalMaxPositions / s.HighFreqFactor;
        double wavelength = 2 * Math.PI / inv;
        if (wavelength < highWavelength)
        {
            return inv;
        }
        if (wavelength > lowWavelength)
        {
            return (float)(inv / s.Factor);
        }
        double smooth = (s.OriginalMaxPositions / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (float)((1 - smooth) * inv / s.Factor + smooth * inv);
    }
}
