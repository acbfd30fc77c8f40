namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// A config's <c>rope_scaling</c> (or <c>rope_parameters</c>): "default" (none), "linear" (positions divided by
/// <see cref="Factor"/>) or "llama3" (long wavelengths divided by the factor, short ones kept, a smooth blend between).
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions)
{
    public const string Default = "default";
    public const string Linear = "linear";
    public const string Llama3 = "llama3";

    public static RopeScaling None { get; } = new(Default, 1, 1, 4, 8192);
}
