using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation;

public sealed class SafeTensorsTests
{
    [Fact]
    public void RoundTrip_KeepsNamesShapesDtypesAndValues()
    {
        using var scope = NewDisposeScope();
        var a = randn(3, 5);
        var b = arange(7, dtype: ScalarType.Int64);
        var c = randn(2, 2).to_type(ScalarType.Float16);
        var bytes = SafeTensors.Serialize([new("a", a), new("layer.b", b), new("c", c)], new Dictionary<string, string> { ["k"] = "v" });
        Assert.Equal(0, (bytes.Length - 8 - (3 * 5 * 4 + 7 * 8 + 4 * 2)) % 8);
        using var back = SafeTensors.Deserialize(bytes);
        Assert.Equal(["a", "layer.b", "c"], back.Tensors.Select(t => t.Key));
        Assert.True(back["a"].eq(a).all().item<bool>());
        Assert.True(back["layer.b"].eq(b).all().item<bool>());
        Assert.Equal(ScalarType.Float16, back["c"].dtype);
        Assert.Equal("v", back.Metadata["k"]);
    }

    [Fact]
    public void TruncatedPayload_IsRejected()
    {
        using var scope = NewDisposeScope();
        var bytes = SafeTensors.Serialize([new("a", randn(4))]);
        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes.AsSpan(0, bytes.Length - 4)));
        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes.AsSpan(0, 5)));
    }
}
