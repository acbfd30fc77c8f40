using System.Text.Json;
using FedLab.Engine.Runs;

namespace FedLab.Data.Tests;

public sealed class PayloadBytesTests
{
    /// <summary>Any kind name is kept; zero kinds are left out; the well-known kinds come first in display order.</summary>
    [Fact]
    public void AnyKind_IsKept_InDisplayOrder()
    {
        var masks = new PayloadKind("secaggMasks");
        var bytes = PayloadBytes.From(new Dictionary<PayloadKind, long> { [masks] = 5, [PayloadKind.Labels] = 7, [PayloadKind.Parameters] = 11, [PayloadKind.Logits] = 0 });
        Assert.Equal([PayloadKind.Parameters, PayloadKind.Labels, masks], bytes.Kinds);
        Assert.Equal(23, bytes.Total);
        Assert.Equal(5, bytes[masks]);
        Assert.Equal(0, bytes[PayloadKind.Logits]);
        Assert.Equal(bytes, PayloadBytes.Sum([PayloadBytes.From([new(masks, 5)]), PayloadBytes.From([new(PayloadKind.Labels, 7), new(PayloadKind.Parameters, 11)])]));
    }

    [Fact]
    public void Json_IsAnObjectOfKindNameToBytes()
    {
        var bytes = PayloadBytes.From(new Dictionary<PayloadKind, long> { [new PayloadKind("secaggMasks")] = 5, [PayloadKind.ActivationGradients] = 7 });
        var json = JsonSerializer.Serialize(bytes);
        Assert.Equal("""{"activationGradients":7,"secaggMasks":5}""", json);
        Assert.Equal(bytes, JsonSerializer.Deserialize<PayloadBytes>(json));
    }
}
