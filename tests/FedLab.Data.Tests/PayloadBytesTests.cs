using FedLab.Engine.Runs;

namespace FedLab.Data.Tests;

public sealed class PayloadBytesTests
{
    /// <summary>Rounds and client rounds keep one column per payload kind: a new kind needs a column (and a migration).</summary>
    [Fact]
    public void EveryPayloadKind_HasItsOwnColumn()
    {
        foreach (var kind in PayloadKind.WellKnown)
        {
            var bytes = PayloadBytes.From(new Dictionary<PayloadKind, long> { [kind] = 7 });
            Assert.Equal(7, bytes[kind]);
            Assert.Equal(7, bytes.Total);
            Assert.Equal([kind], bytes.ToDictionary().Keys);
        }
    }
}
